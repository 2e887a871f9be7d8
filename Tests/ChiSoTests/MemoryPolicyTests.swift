import Testing
@testable import ChiSo

/// A run that reads the stored state back keeps freed memory, unless the operator tuned glibc's allocator.
@Suite struct MemoryPolicyTests {
    @Test func anOperatorsAllocatorSettingsAreKept() {
        #expect(!MemoryPolicy.operatorTuned([:]))
        #expect(!MemoryPolicy.operatorTuned(["PATH": "/usr/bin", "MALLOC": "x", "GLIBC_TUNABLES": "glibc.rtld.nns=2"]))
        #expect(MemoryPolicy.operatorTuned(["MALLOC_MMAP_THRESHOLD_": "1048576"]))
        #expect(MemoryPolicy.operatorTuned(["MALLOC_ARENA_MAX_": "2"]))
        #expect(MemoryPolicy.operatorTuned(["GLIBC_TUNABLES": "glibc.rtld.nns=2:glibc.malloc.hugetlb=1"]))
    }
}
