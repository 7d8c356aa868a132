// RocksDB 7 removed these from its C API: deprecated options (no-ops since RocksDB 5/6) and custom filter policies.
// gorocksdb, which Milvus's RocksMQ is built on, still refers to them; Milvus sets none of the options and makes no
// custom filter policy. Declared in shim/rocksdb/c.h.
#include "rocksdb/c.h"
void rocksdb_options_set_hard_rate_limit(rocksdb_options_t* o, double v) { (void)o; (void)v; }
void rocksdb_options_set_soft_rate_limit(rocksdb_options_t* o, double v) { (void)o; (void)v; }
void rocksdb_options_set_max_mem_compaction_level(rocksdb_options_t* o, int v) { (void)o; (void)v; }
void rocksdb_options_set_purge_redundant_kvs_while_flush(rocksdb_options_t* o, unsigned char v) { (void)o; (void)v; }
void rocksdb_options_set_rate_limit_delay_max_milliseconds(rocksdb_options_t* o, unsigned int v) { (void)o; (void)v; }
void rocksdb_options_set_skip_log_error_on_recovery(rocksdb_options_t* o, unsigned char v) { (void)o; (void)v; }
void rocksdb_options_set_table_cache_remove_scan_count_limit(rocksdb_options_t* o, int v) { (void)o; (void)v; }
#include <stdio.h>
#include <stdlib.h>
rocksdb_filterpolicy_t* rocksdb_filterpolicy_create(void* state, void (*destructor)(void*),
    char* (*create_filter)(void*, const char* const*, const size_t*, int, size_t*),
    unsigned char (*key_may_match)(void*, const char*, size_t, const char*, size_t),
    void (*delete_filter)(void*, const char*, size_t), const char* (*name)(void*)) {
  (void)state; (void)destructor; (void)create_filter; (void)key_may_match; (void)delete_filter; (void)name;
  fputs("rocksdb_filterpolicy_create: custom filter policies are not in RocksDB 7's C API\n", stderr);
  abort();
}
