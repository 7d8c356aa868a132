package main

// #cgo CFLAGS: -I${SRCDIR}/shim
// #cgo CXXFLAGS: -std=c++17
// const char* mqbench_rocksdb_version();
import "C"

// rocksdbVersion is the version of the RocksDB headers this binary was built with.
func rocksdbVersion() string {
	return C.GoString(C.mqbench_rocksdb_version())
}
