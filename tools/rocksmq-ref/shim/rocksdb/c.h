/* RocksDB 7 removed these deprecated options from its C API; gorocksdb (2022) still refers to them. */
#include_next <rocksdb/c.h>
#ifndef MQBENCH_ROCKSDB_REMOVED
#define MQBENCH_ROCKSDB_REMOVED
extern void rocksdb_options_set_hard_rate_limit(rocksdb_options_t*, double);
extern void rocksdb_options_set_soft_rate_limit(rocksdb_options_t*, double);
extern void rocksdb_options_set_max_mem_compaction_level(rocksdb_options_t*, int);
extern void rocksdb_options_set_purge_redundant_kvs_while_flush(rocksdb_options_t*, unsigned char);
extern void rocksdb_options_set_rate_limit_delay_max_milliseconds(rocksdb_options_t*, unsigned int);
extern void rocksdb_options_set_skip_log_error_on_recovery(rocksdb_options_t*, unsigned char);
extern void rocksdb_options_set_table_cache_remove_scan_count_limit(rocksdb_options_t*, int);
extern rocksdb_filterpolicy_t* rocksdb_filterpolicy_create(void*, void (*)(void*),
    char* (*)(void*, const char* const*, const size_t*, int, size_t*),
    unsigned char (*)(void*, const char*, size_t, const char*, size_t),
    void (*)(void*, const char*, size_t), const char* (*)(void*));
#endif
