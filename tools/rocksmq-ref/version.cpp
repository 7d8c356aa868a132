// The RocksDB this binary is built against (its version header is C++ only).
#include <rocksdb/version.h>
#define MQBENCH_STR2(x) #x
#define MQBENCH_STR(x) MQBENCH_STR2(x)
extern "C" const char* mqbench_rocksdb_version() {
  return MQBENCH_STR(ROCKSDB_MAJOR) "." MQBENCH_STR(ROCKSDB_MINOR) "." MQBENCH_STR(ROCKSDB_PATCH);
}
