// SPDX-License-Identifier: Apache-2.0
/*
 * The latency of one dependent load at a random cache line, which bounds a new flow's cost: every
 * hash map access on the datapath's new-flow path (a bucket, then the element it points to) is
 * such a load once the maps are larger than the caches. Chases a random cyclic permutation of
 * 64-byte lines over buffers of several sizes, backed by 4 KiB pages and by transparent huge
 * pages, so that the TLB's share of the cost shows apart from the memory's.
 *
 *   cc -O2 -o /tmp/memory_latency bpf/src/bench/c/memory_latency.c && /tmp/memory_latency
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define LINE 64
#define LOADS 4000000L

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static double ns_per_load(size_t bytes, int huge)
{
	char *buf = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	madvise(buf, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	size_t lines = bytes / LINE;
	size_t *order = malloc(lines * sizeof(*order));
	if (!order) {
		perror("malloc");
		exit(1);
	}
	for (size_t i = 0; i < lines; i++)
		order[i] = i;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	for (size_t i = lines - 1; i > 0; i--) {
		size_t j = next_random(&seed) % (i + 1);
		size_t t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (size_t i = 0; i < lines; i++)
		*(char **)(buf + order[i] * LINE) = buf + order[(i + 1) % lines] * LINE;
	free(order);
	char *p = buf;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < LOADS; i++)
		p = *(char **)p;
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (!p)
		puts("unreachable");
	munmap(buf, bytes);
	return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / LOADS;
}

int main(void)
{
	size_t mib[] = {1, 8, 32, 128};
	printf("| buffer | 4 KiB pages, ns per load | huge pages, ns per load |\n|---|---|---|\n");
	for (size_t i = 0; i < sizeof(mib) / sizeof(mib[0]); i++)
		printf("| %zu MiB | %.0f | %.0f |\n", mib[i], ns_per_load(mib[i] << 20, 0),
		       ns_per_load(mib[i] << 20, 1));
	return 0;
}
