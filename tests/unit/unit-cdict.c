// SPDX-License-Identifier: Apache-2.0
// unit-cdict.c: the .cdict writer and reader (format 3; format 2 files are
// read too), and the legacy reader: round trips, byte planes, corruption and
// truncation with and without decoding threads, caps and bad input.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <msgpack.h>
#include <zlib.h>

#include "cdict_int.h"
#include "check.h"

#define NROWS 1000000

static const char *dir = "unit-cdict.d";

static char *path_of(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static uint64_t rng_state = 88172645463325252ull;

// Decoding threads of the readers the tests open: -1 the reader's default;
// the truncation and corruption tests run with 0 and with 2.
static int threads = -1;

static int open_reader(struct pw_reader **r, const char *path)
{
	int err = pw_reader_open(r, path);

	if (!err && threads >= 0)
		err = pw_reader_set_threads(*r, (unsigned)threads);
	return err;
}

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

// The i-th event of the synthetic stream, deterministic from the seed and i.
// Switches on each cpu chain (prev = the cpu's previous next) so that the
// elision and the runtime derivation are exercised.
struct model {
	int32_t cpu_cur[8];
	uint64_t cpu_last[8];
	int have_last[8];
	uint64_t time;
	uint32_t names;
};

static void gen_event(struct model *m, struct pw_event *ev, uint64_t i)
{
	uint64_t r = rnd();
	int32_t cpu = (int32_t)(r % 8);

	memset(ev, 0, sizeof(*ev));
	m->time += 1 + (r >> 8) % 5000;
	ev->time = m->time;
	ev->cpu = cpu;
	switch ((r >> 20) % 10) {
	default:
		ev->kind = PW_EV_SWITCH;
		// now and then a prev that breaks the chain (filtered captures)
		ev->tid = (r >> 30) % 97 == 0 ? (int32_t)((r >> 40) % 5000)
					       : m->cpu_cur[cpu];
		ev->sw.next_tid = (int32_t)((r >> 32) % 300);
		ev->sw.prev_state = (r >> 50) % 3 == 0 ? 0x100 : (uint32_t)((r >> 52) % 3);
		m->cpu_cur[cpu] = ev->sw.next_tid;
		break;
	case 6:
		ev->kind = PW_EV_WAKEUP;
		ev->tid = (int32_t)((r >> 32) % 300);
		ev->wk.target_cpu = (int32_t)((r >> 44) % 8);
		break;
	case 7:
		ev->kind = (r >> 40) & 1 ? PW_EV_KVM_EXIT : PW_EV_KVM_ENTRY;
		ev->tid = 1000 + (int32_t)((r >> 32) % 4);
		if (ev->kind == PW_EV_KVM_EXIT) {
			ev->kx.reason = (uint32_t)((r >> 44) % 60);
			ev->kx.isa = PW_ISA_VMX;
		} else {
			ev->ke.vcpu_id = (uint32_t)((r >> 44) % 4);
		}
		break;
	case 8:
		ev->kind = PW_EV_MIGRATE;
		ev->tid = (int32_t)((r >> 32) % 300);
		ev->mg.orig_cpu = (int32_t)((r >> 44) % 8);
		ev->mg.dest_cpu = (int32_t)((r >> 48) % 8);
		break;
	case 9:
		if (i % 7 == 0) {
			ev->kind = PW_EV_STAT_SLEEP;
			ev->tid = -5;	// negative values survive
			ev->st.delay_ns = r >> 3;
		} else {
			ev->kind = PW_EV_TASK;
			ev->tid = (int32_t)((r >> 32) % 300);
			ev->task.pid = (r >> 60) ? ev->tid : -1;
			ev->task.name = (uint32_t)((r >> 40) % m->names);
		}
		break;
	}
}

static int writer_inline;	// write_stream() packs in its own thread

static int write_stream(const char *path, uint64_t n, uint64_t seed)
{
	struct pw_meta meta = { 0 };
	char *tps[] = { "sched:sched_switch", "kvm:kvm_exit" };
	struct model m = { 0 };
	struct pw_writer *w;
	struct pw_event ev;
	int err;

	meta.hostname = "host<1>";
	meta.kernel = "6.1.0-test";
	meta.nr_cpus = 8;
	meta.tracepoints = tps;
	meta.nr_tracepoints = 2;
	meta.capture_time = 1700000000;
	rng_state = seed;
	m.names = 50;
	if ((err = pw_writer_open(&w, path, &meta)))
		return err;
	if (writer_inline)
		pw_writer_no_thread(w);
	for (uint32_t i = 0; i < m.names; i++) {
		char name[32];

		snprintf(name, sizeof(name), "task-%u", i);
		if (pw_writer_intern(w, name) != i)
			return PW_EINVAL;
	}
	for (uint64_t i = 0; i < n; i++) {
		gen_event(&m, &ev, i);
		if ((err = pw_writer_add(w, &ev)))
			break;
	}
	if (!err) {
		pw_writer_set_stat(w, "ignored", "irq:irq_handler_entry", 12);
		pw_writer_set_stat(w, "ignored", "irq:irq_handler_entry", 13);
		pw_writer_set_stat(w, "invalid", "sched:sched_switch", 2);
		err = pw_writer_finish(w);
	}
	pw_writer_free(w);
	return err;
}

// Read back and compare with the model; returns events matched, or -1.
static int64_t read_compare(const char *path, uint64_t seed, int *final_err)
{
	struct model m = { 0 };
	struct pw_reader *r;
	struct pw_event ev, want;
	uint64_t n = 0, first = 0;
	uint64_t last[8] = { 0 };
	int have[8] = { 0 };
	int err;

	rng_state = seed;
	m.names = 50;
	if ((err = open_reader(&r, path))) {
		*final_err = err;
		pw_reader_free(r);
		return -1;
	}
	while ((err = pw_reader_next(r, &ev)) > 0) {
		gen_event(&m, &want, n);
		if (n == 0)
			first = want.time;
		if (want.kind == PW_EV_SWITCH) {
			int c = want.cpu;

			want.sw.runtime_ns = want.time - (have[c] ? last[c] : first);
			want.flags = have[c] ? 0 : PW_EVF_CLIPPED;
			have[c] = 1;
			last[c] = want.time;
		}
		if (memcmp(&ev, &want, sizeof(ev))) {
			fprintf(stderr, "event %llu differs: kind %u/%u time %llu/%llu tid %d/%d\n",
				(unsigned long long)n, ev.kind, want.kind,
				(unsigned long long)ev.time, (unsigned long long)want.time,
				ev.tid, want.tid);
			pw_reader_free(r);
			return -1;
		}
		n++;
	}
	*final_err = err;
	pw_reader_free(r);
	return (int64_t)n;
}

static void test_round_trip(void)
{
	struct pw_reader *r;
	struct pw_event ev;
	int err = 0;
	int64_t n;

	check_int(write_stream(path_of("rt.cdict"), NROWS, 42), ==, 0);
	n = read_compare(path_of("rt.cdict"), 42, &err);
	check_int(n, ==, NROWS);
	check_int(err, ==, 0);

	check_int(pw_reader_open(&r, path_of("rt.cdict")), ==, 0);
	check_str(pw_reader_meta(r)->hostname, "host<1>");
	check_str(pw_reader_meta(r)->kernel, "6.1.0-test");
	check_uint(pw_reader_meta(r)->nr_cpus, ==, 8);
	check_uint(pw_reader_meta(r)->nr_tracepoints, ==, 2);
	check_str(pw_reader_meta(r)->tracepoints[1], "kvm:kvm_exit");
	check_int(pw_reader_meta(r)->capture_time, ==, 1700000000);
	check(pw_reader_trailer(r) == NULL);
	while ((err = pw_reader_next(r, &ev)) > 0)
		;
	check_int(err, ==, 0);
	const struct pw_trailer *tr = pw_reader_trailer(r);

	check(tr != NULL);
	if (tr) {
		uint64_t sum = 0;

		check_uint(tr->rows, ==, NROWS);
		for (unsigned k = 0; k < PW_EV__COUNT; k++)
			sum += tr->events[k];
		check_uint(sum, ==, NROWS);
		check_uint(tr->chunks, ==, (NROWS + PW_CHUNK_ROWS - 1) / PW_CHUNK_ROWS);
		check_uint(tr->nr_stats, ==, 2);
		check_str(tr->stats[0].group, "ignored");
		check_uint(tr->stats[0].value, ==, 13);
		check(tr->first_ns < tr->last_ns);
	}
	check_uint(pw_reader_nr_strings(r), ==, 50);
	check_str(pw_reader_string(r, 7), "task-7");
	check(pw_reader_string(r, 50) == NULL);
	pw_reader_free(r);

	// same input, same bytes; and packed without the writer's thread
	check_int(write_stream(path_of("rt2.cdict"), NROWS, 42), ==, 0);
	check_int(system("cmp -s unit-cdict.d/rt.cdict unit-cdict.d/rt2.cdict"), ==, 0);
	writer_inline = 1;
	check_int(write_stream(path_of("rt3.cdict"), NROWS, 42), ==, 0);
	writer_inline = 0;
	check_int(system("cmp -s unit-cdict.d/rt.cdict unit-cdict.d/rt3.cdict"), ==, 0);
}

// Offsets of the chunk starts of a file (the header excluded), and its size.
static size_t chunk_offsets(const char *path, uint64_t *offs, size_t max,
			    uint64_t *size)
{
	int fd = open(path, O_RDONLY);
	uint8_t h[16];
	uint64_t off = PW_HEADER_SIZE;
	size_t n = 0;
	struct stat st;

	fstat(fd, &st);
	*size = (uint64_t)st.st_size;
	while (n < max && pread(fd, h, 16, (off_t)off) == 16) {
		offs[n++] = off;
		off += 16 + ((uint32_t)h[0] | h[1] << 8 | h[2] << 16 | (uint32_t)h[3] << 24);
	}
	close(fd);
	return n;
}

static int copy_prefix(const char *src, const char *dst, uint64_t len)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "head -c %llu %s > %s", (unsigned long long)len,
		 src, dst);
	return system(cmd);
}

static void test_truncation(void)
{
	uint64_t offs[64], size;
	size_t nchunks;
	int err;

	check_int(write_stream(path_of("tr.cdict"), 300000, 7), ==, 0);
	nchunks = chunk_offsets(path_of("tr.cdict"), offs, 64, &size);
	// meta, 5 event chunks (300000 / 65536), trailer
	check_uint(nchunks, ==, 7);
	for (size_t c = 1; c < nchunks; c++) {
		// cut at the chunk boundary, inside its header, inside its payload
		uint64_t cuts[3] = { offs[c], offs[c] + 5, offs[c] + 40 };

		for (int k = 0; k < 3; k++) {
			int64_t n;

			check_int(copy_prefix(path_of("tr.cdict"), path_of("cut.cdict"),
					      cuts[k]), ==, 0);
			n = read_compare(path_of("cut.cdict"), 7, &err);
			check_int(err, ==, PW_ETRUNC);
			// every complete event chunk before the cut is recovered
			check_int(n, ==, (int64_t)((c - 1) * PW_CHUNK_ROWS > 300000
					    ? 300000 : (c - 1) * PW_CHUNK_ROWS));
		}
	}
	// the describe line says what was recovered
	{
		struct pw_reader *r;
		struct pw_event ev;
		char msg[256];

		copy_prefix(path_of("tr.cdict"), path_of("cut.cdict"), offs[3] + 40);
		check_int(open_reader(&r, path_of("cut.cdict")), ==, 0);
		while ((err = pw_reader_next(r, &ev)) > 0)
			;
		check_int(err, ==, PW_ETRUNC);
		pw_reader_describe(r, err, msg, sizeof(msg));
		check(strstr(msg, "truncated input 'unit-cdict.d/cut.cdict'") != NULL);
		check(strstr(msg, "131072 events recovered") != NULL);
		if (!strstr(msg, "131072 events recovered"))
			fprintf(stderr, "    message: %s\n", msg);
		pw_reader_free(r);
	}
	// header only, and header cut short
	check_int(copy_prefix(path_of("tr.cdict"), path_of("cut.cdict"), 16), ==, 0);
	check_int(read_compare(path_of("cut.cdict"), 7, &err), ==, -1);
	check_int(err, ==, PW_ETRUNC);
	check_int(copy_prefix(path_of("tr.cdict"), path_of("cut.cdict"), 10), ==, 0);
	check_int(read_compare(path_of("cut.cdict"), 7, &err), ==, -1);
	check_int(err, ==, PW_ETRUNC);
}

static int flip_byte(const char *path, uint64_t off)
{
	int fd = open(path, O_RDWR);
	uint8_t b;

	if (fd < 0 || pread(fd, &b, 1, (off_t)off) != 1)
		return -1;
	b ^= 0x10;
	if (pwrite(fd, &b, 1, (off_t)off) != 1)
		return -1;
	return close(fd);
}

static void test_corruption(void)
{
	uint64_t offs[64], size;
	size_t nchunks;
	struct pw_reader *r;
	struct pw_event ev;
	char msg[256];
	int err;

	check_int(write_stream(path_of("crc.cdict"), 200000, 9), ==, 0);
	nchunks = chunk_offsets(path_of("crc.cdict"), offs, 64, &size);
	check_uint(nchunks, ==, 6);

	// a flipped bit in the payload of the third event chunk
	system("cp unit-cdict.d/crc.cdict unit-cdict.d/bad.cdict");
	check_int(flip_byte(path_of("bad.cdict"), offs[3] + 100), ==, 0);
	check_int(read_compare(path_of("bad.cdict"), 9, &err), ==, 2 * PW_CHUNK_ROWS);
	check_int(err, ==, PW_ECRC);
	check_int(open_reader(&r, path_of("bad.cdict")), ==, 0);
	while ((err = pw_reader_next(r, &ev)) > 0)
		;
	pw_reader_describe(r, err, msg, sizeof(msg));
	snprintf((char[64]){ 0 }, 64, "x");
	{
		char want[128];

		snprintf(want, sizeof(want),
			 "corrupt input 'unit-cdict.d/bad.cdict' at offset 0x%llx: chunk checksum mismatch",
			 (unsigned long long)offs[3]);
		check_str(msg, want);
	}
	pw_reader_free(r);

	// a flipped bit in a chunk header (its length)
	system("cp unit-cdict.d/crc.cdict unit-cdict.d/bad.cdict");
	check_int(flip_byte(path_of("bad.cdict"), offs[2] + 1), ==, 0);
	check_int(read_compare(path_of("bad.cdict"), 9, &err), ==, PW_CHUNK_ROWS);
	check_int(err, ==, PW_ECRC);

	// a flipped bit in the metadata chunk: nothing is read
	system("cp unit-cdict.d/crc.cdict unit-cdict.d/bad.cdict");
	check_int(flip_byte(path_of("bad.cdict"), offs[0] + 20), ==, 0);
	check_int(read_compare(path_of("bad.cdict"), 9, &err), ==, -1);
	check_int(err, ==, PW_ECRC);

	// bytes after the trailer
	system("cp unit-cdict.d/crc.cdict unit-cdict.d/bad.cdict && printf x >> unit-cdict.d/bad.cdict");
	check_int(read_compare(path_of("bad.cdict"), 9, &err), ==, 200000);
	check_int(err, ==, PW_ECORRUPT);
}

// A file holding the header, the metadata chunk of a real file, then one
// chunk header claiming `zlen` bytes.
static void test_huge_chunk(void)
{
	uint64_t offs[8], size;
	uint8_t h[16];
	struct pw_reader *r;
	struct pw_event ev;
	char msg[256];
	int fd, err;

	check_int(write_stream(path_of("small.cdict"), 10, 3), ==, 0);
	chunk_offsets(path_of("small.cdict"), offs, 8, &size);
	check_int(copy_prefix(path_of("small.cdict"), path_of("huge.cdict"), offs[1]), ==, 0);
	fd = open(path_of("huge.cdict"), O_WRONLY | O_APPEND);
	memset(h, 0xff, 8);	// 4 GiB - 1, compressed and not
	memset(h + 8, 0, 4);
	uint32_t crc = pw_crc32(0, h, 12);

	h[12] = (uint8_t)crc;
	h[13] = (uint8_t)(crc >> 8);
	h[14] = (uint8_t)(crc >> 16);
	h[15] = (uint8_t)(crc >> 24);
	check_int(write(fd, h, 16), ==, 16);
	close(fd);
	check_int(pw_reader_open(&r, path_of("huge.cdict")), ==, 0);
	err = pw_reader_next(r, &ev);
	check_int(err, ==, PW_ETOOBIG);
	pw_reader_describe(r, err, msg, sizeof(msg));
	check(strstr(msg, "corrupt input") && strstr(msg, "4294967295") &&
	      strstr(msg, "limit"));
	pw_reader_free(r);
}

static void test_bad_input(void)
{
	struct pw_reader *r;
	char msg[256];
	int fd, err;

	fd = open(path_of("empty.cdict"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	close(fd);
	check_int(err = pw_reader_open(&r, path_of("empty.cdict")), ==, PW_EEMPTY);
	pw_reader_describe(r, err, msg, sizeof(msg));
	check_str(msg, "empty file 'unit-cdict.d/empty.cdict': file is empty");
	pw_reader_free(r);

	// random bytes (no zlib header by construction of the first byte)
	fd = open(path_of("random.cdict"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	rng_state = 1234;
	for (int i = 0; i < 4096; i++) {
		uint8_t b = (uint8_t)rnd();

		if (i == 0)
			b = 0x3c;
		check_int(write(fd, &b, 1), ==, 1);
	}
	close(fd);
	check_int(err = pw_reader_open(&r, path_of("random.cdict")), ==, PW_EMAGIC);
	pw_reader_describe(r, err, msg, sizeof(msg));
	check(strstr(msg, "corrupt input 'unit-cdict.d/random.cdict' at offset 0x0: no .cdict magic") == msg);
	pw_reader_free(r);

	check_int(err = pw_reader_open(&r, path_of("missing.cdict")), ==, PW_EIO);
	pw_reader_describe(r, err, msg, sizeof(msg));
	check_str(msg, "i/o error 'unit-cdict.d/missing.cdict': No such file or directory");
	pw_reader_free(r);

	// a future major version, and one older than format 2
	check_int(write_stream(path_of("v4.cdict"), 10, 3), ==, 0);
	fd = open(path_of("v4.cdict"), O_WRONLY);
	check_int(pwrite(fd, "\x04", 1, 8), ==, 1);
	close(fd);
	check_int(err = pw_reader_open(&r, path_of("v4.cdict")), ==, PW_EVERSION);
	pw_reader_describe(r, err, msg, sizeof(msg));
	check_str(msg, "corrupt input 'unit-cdict.d/v4.cdict' at offset 0x8: version 4, "
		  "this reader knows 2 to 3");
	pw_reader_free(r);
	fd = open(path_of("v4.cdict"), O_WRONLY);
	check_int(pwrite(fd, "\x01", 1, 8), ==, 1);
	close(fd);
	check_int(pw_reader_open(&r, path_of("v4.cdict")), ==, PW_EVERSION);
	pw_reader_free(r);
	// the threads knob: refused once reading began, and past the cap
	check_int(pw_reader_open(&r, path_of("small.cdict")), ==, 0);
	check_int(pw_reader_set_threads(r, PW_READ_THREADS_MAX + 1), ==, PW_EINVAL);
	check_int(pw_reader_set_threads(r, 1), ==, 0);
	{
		struct pw_event ev;

		check_int(pw_reader_next(r, &ev), ==, 1);
	}
	check_int(pw_reader_set_threads(r, 0), ==, PW_EINVAL);
	pw_reader_free(r);
}

// Batches lent past the next calls (pw_reader_hold): unchanged while held
// however far the threads read ahead, the room for them bounded, none lent
// by a reader without threads; tokens given back in any order.
static void test_holds(void)
{
	enum { KEEP = 3 };
	struct pw_reader *r;
	const struct pw_event *v, *kept[KEEP];
	struct pw_event *copy[KEEP];
	size_t n, nk[KEEP];
	int tok[KEEP], held = 0, batches = 0, same = 1;
	uint64_t events = 0;
	int err;

	// rt.cdict: 10^6 events, 16 chunks (test_round_trip)
	check_int(pw_reader_open(&r, path_of("rt.cdict")), ==, 0);
	check_int(pw_reader_set_threads(r, 2), ==, 0);
	check_int(pw_reader_set_holds(r, PW_READ_HOLDS_MAX + 1), ==, PW_EINVAL);
	check_int(pw_reader_set_holds(r, KEEP), ==, 0);
	check_int(pw_reader_hold(r), ==, -1);	// nothing in hand yet
	while ((err = pw_reader_next_batch(r, &v, &n)) > 0) {
		events += n;
		batches++;
		if (held == KEEP) {	// the room is all lent: -1, then one back
			check_int(pw_reader_hold(r), ==, -1);
			int k = batches % KEEP;	// not in the order they were lent
			for (size_t i = 0; i < nk[k]; i++)
				same &= !memcmp(&kept[k][i], &copy[k][i], sizeof(**copy));
			pw_reader_release(r, tok[k]);
			free(copy[k]);
			kept[k] = v;
			nk[k] = n;
			copy[k] = malloc(n * sizeof(*v));
			memcpy(copy[k], v, n * sizeof(*v));
			check((tok[k] = pw_reader_hold(r)) >= 0);
			continue;
		}
		kept[held] = v;
		nk[held] = n;
		copy[held] = malloc(n * sizeof(*v));
		memcpy(copy[held], v, n * sizeof(*v));
		check((tok[held] = pw_reader_hold(r)) >= 0);
		held++;
	}
	check_int(err, ==, 0);
	check_uint(events, ==, NROWS);
	check_int(batches, ==, (NROWS + PW_CHUNK_ROWS - 1) / PW_CHUNK_ROWS);
	check(same);	// what was lent was never overwritten
	for (int k = 0; k < held; k++) {
		for (size_t i = 0; i < nk[k]; i++)
			same &= !memcmp(&kept[k][i], &copy[k][i], sizeof(**copy));
		pw_reader_release(r, tok[k]);
		free(copy[k]);
	}
	check(same);
	pw_reader_free(r);

	// without threads the caller reads into one slot: nothing is lent
	check_int(pw_reader_open(&r, path_of("rt.cdict")), ==, 0);
	check_int(pw_reader_set_threads(r, 0), ==, 0);
	check_int(pw_reader_set_holds(r, 2), ==, 0);
	check_int(pw_reader_next_batch(r, &v, &n), ==, 1);
	check_int(pw_reader_hold(r), ==, -1);
	pw_reader_free(r);
}

static void test_writer_never_clobbers(void)
{
	struct pw_writer *w;
	struct pw_event ev = { .kind = PW_EV_SWITCH, .time = 5, .cpu = 1, .tid = 3,
			       .sw = { .next_tid = 4 } };
	char buf[16] = { 0 };
	int fd;

	system("printf precious > unit-cdict.d/keep.cdict");
	check_int(pw_writer_open(&w, path_of("keep.cdict"), NULL), ==, 0);
	check_int(pw_writer_add(w, &ev), ==, 0);
	ev.cpu = -1;
	check_int(pw_writer_add(w, &ev), ==, PW_EINVAL);
	ev.cpu = 1;
	ev.kind = PW_EV_TASK;
	ev.task.name = 99;	// never interned
	check_int(pw_writer_add(w, &ev), ==, PW_EINVAL);
	// a switch out of tid -1 is stored as -1 + 1 = 0, the elision: only
	// right after a switch into -1 on that cpu
	ev.kind = PW_EV_SWITCH;
	ev.cpu = 2;
	ev.tid = -1;
	ev.sw.next_tid = -1;
	check_int(pw_writer_add(w, &ev), ==, PW_EINVAL);
	ev.tid = 3;
	check_int(pw_writer_add(w, &ev), ==, 0);
	ev.tid = -1;
	ev.sw.next_tid = 4;
	check_int(pw_writer_add(w, &ev), ==, 0);
	check_int(pw_writer_add(w, &ev), ==, PW_EINVAL);
	pw_writer_free(w);	// a failed run: no finish
	fd = open(path_of("keep.cdict"), O_RDONLY);
	check_int(read(fd, buf, sizeof(buf) - 1), ==, 8);
	close(fd);
	check_str(buf, "precious");
	// and no temporary file is left behind
	check_int(system("test -z \"$(ls -A unit-cdict.d | grep '^\\.')\""), ==, 0);

	// a directory that does not exist
	check_int(pw_writer_open(&w, "no/such/dir/x.cdict", NULL), ==, PW_EIO);
	check_int(pw_writer_errno(w), ==, ENOENT);
	pw_writer_free(w);
}

/* ---- legacy ----------------------------------------------------------- */

static void pk_str(msgpack_packer *pk, const char *s)
{
	msgpack_pack_str(pk, strlen(s));
	msgpack_pack_str_body(pk, s, strlen(s));
}

// Write a legacy file: rows of (event, cpu, usecs, pid, name, duration,
// next_pid, next_comm); next_comm of kvm_exit rows is the reason number.
struct lrow {
	const char *event;
	int cpu;
	long usecs;
	int pid;
	const char *name;
	long duration;
	int next_pid;	// -1: nil
	const char *next_comm;
	int reason;
};

static int write_legacy(const char *path, const struct lrow *rows, int n,
			int short_col)
{
	static const char *cols[] = { "event", "cpu", "usecs", "pid", "task_name",
				      "duration", "next_pid", "next_comm" };
	msgpack_sbuffer sb;
	msgpack_packer pk;
	uLongf zlen;
	unsigned char *z;
	FILE *f;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 8);
	for (int c = 0; c < 8; c++) {
		int len = c == short_col ? n - 1 : n;

		pk_str(&pk, cols[c]);
		msgpack_pack_array(&pk, (size_t)len);
		for (int i = 0; i < len; i++) {
			const struct lrow *r = &rows[i];

			switch (c) {
			case 0: pk_str(&pk, r->event); break;
			case 1: msgpack_pack_int(&pk, r->cpu); break;
			case 2: msgpack_pack_long(&pk, r->usecs); break;
			case 3: msgpack_pack_int(&pk, r->pid); break;
			case 4: pk_str(&pk, r->name); break;
			case 5: msgpack_pack_long(&pk, r->duration); break;
			case 6:
				if (r->next_pid < 0)
					msgpack_pack_nil(&pk);
				else
					msgpack_pack_int(&pk, r->next_pid);
				break;
			case 7:
				if (r->next_comm)
					pk_str(&pk, r->next_comm);
				else
					msgpack_pack_int(&pk, r->reason);
				break;
			}
		}
	}
	zlen = compressBound(sb.size);
	z = malloc(zlen);
	compress2(z, &zlen, (const Bytef *)sb.data, sb.size, 6);
	f = fopen(path, "wb");
	fwrite(z, 1, zlen, f);
	fclose(f);
	free(z);
	msgpack_sbuffer_destroy(&sb);
	return 0;
}

static void test_legacy(void)
{
	const struct lrow rows[] = {
		{ "sched__sched_switch", 0, 0, 100, "vm1.vcpu0", 50, 0, "swapper/0", 0 },
		{ "kvm_entry", 1, 10, 200, "vm2.vcpu0", 0, -1, NULL, 0 },
		{ "kvm_exit", 1, 35, 200, "vm2.vcpu0", 25, -1, NULL, 30 },
		{ "sched__sched_migrate_task", 1, 40, 200, "vm2.vcpu0", 0, 0, "", 0 },
		{ "sched__sched_switch", 0, 100, 0, "swapper/0", 0, 100, "vm1.vcpu0", 0 },
		{ "sched__sched_stat_sleep", 0, 120, 100, "vm1.vcpu0", 70, 0, "", 0 },
		{ "sched__sched_switch", 0, 130, 100, "vm1.vcpu0-renamed", 30, 0, "swapper/0", 0 },
	};
	struct pw_reader *r;
	struct pw_event ev[16];
	int n = 0, err;

	write_legacy(path_of("legacy.cdict"), rows, 7, -1);
	check_int(pw_reader_open(&r, path_of("legacy.cdict")), ==, 0);
	check_int(pw_reader_is_legacy(r), ==, 1);
	while (n < 16 && (err = pw_reader_next(r, &ev[n])) > 0)
		n++;
	check_int(err, ==, 0);
	check_uint(pw_reader_skipped(r), ==, 1);
	// TASK(swapper/0 as next of 100), TASK(100), SWITCH, TASK(200), ENTRY,
	// EXIT, TASK(0 -> "swapper/0" already known? no: tid 0 named at row 0),
	// SWITCH, STAT, TASK(100 renamed), SWITCH
	check_int(n, ==, 10);
	check_uint(ev[0].kind, ==, PW_EV_TASK);
	check_int(ev[0].tid, ==, 0);
	check_str(pw_reader_string(r, ev[0].task.name), "swapper/0");
	check_uint(ev[1].kind, ==, PW_EV_TASK);
	check_int(ev[1].tid, ==, 100);
	check_str(pw_reader_string(r, ev[1].task.name), "vm1.vcpu0");
	check_uint(ev[2].kind, ==, PW_EV_SWITCH);
	check_int(ev[2].tid, ==, 100);
	check_int(ev[2].sw.next_tid, ==, 0);
	check_uint(ev[2].sw.prev_state, ==, PW_STATE_UNKNOWN);
	check_uint(ev[2].flags, ==, PW_EVF_LEGACY | PW_EVF_CLIPPED);
	check_uint(ev[3].kind, ==, PW_EV_TASK);
	check_int(ev[3].tid, ==, 200);
	check_uint(ev[4].kind, ==, PW_EV_KVM_ENTRY);
	check_uint(ev[4].time, ==, 10000);
	check_uint(ev[5].kind, ==, PW_EV_KVM_EXIT);
	check_uint(ev[5].kx.reason, ==, 30);
	check_uint(ev[5].kx.isa, ==, PW_ISA_VMX);
	check_uint(ev[5].time, ==, 35000);
	check_uint(ev[6].kind, ==, PW_EV_SWITCH);
	check_int(ev[6].tid, ==, 0);
	check_int(ev[6].sw.next_tid, ==, 100);
	check_uint(ev[6].sw.runtime_ns, ==, 100000);	// from the switch at 0
	check_uint(ev[7].kind, ==, PW_EV_STAT_SLEEP);
	check_uint(ev[7].st.delay_ns, ==, 70000);
	check_uint(ev[8].kind, ==, PW_EV_TASK);
	check_str(pw_reader_string(r, ev[8].task.name), "vm1.vcpu0-renamed");
	check_uint(ev[9].kind, ==, PW_EV_SWITCH);
	check_uint(ev[9].sw.runtime_ns, ==, 30000);
	pw_reader_free(r);

	// columns of unequal length
	write_legacy(path_of("legacy-bad.cdict"), rows, 7, 3);
	check_int(err = pw_reader_open(&r, path_of("legacy-bad.cdict")), ==, PW_ECORRUPT);
	{
		char msg[256];

		pw_reader_describe(r, err, msg, sizeof(msg));
		check(strstr(msg, "legacy columns of unequal length: event has 7, pid has 6") != NULL);
	}
	pw_reader_free(r);

	// a legacy file cut short
	check_int(copy_prefix(path_of("legacy.cdict"), path_of("legacy-cut.cdict"), 30), ==, 0);
	check_int(pw_reader_open(&r, path_of("legacy-cut.cdict")), ==, PW_ETRUNC);
	pw_reader_free(r);
}

// Byte planes: widths 0 to 8, the extremes of int64, and lengths that do not
// match their width.
static void test_planes(void)
{
	static const int64_t v[] = { 0, 1, -1, 63, -64, 127, -128, 300, -70000,
				     INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN };
	uint8_t buf[1 + 8 * 16];
	int64_t out[16];
	size_t len;

	for (uint32_t n = 1; n <= sizeof(v) / sizeof(v[0]); n++) {
		unsigned w = pw_planes_width(v, n);

		len = pw_planes_encode(buf, v, n, w);
		check_uint(len, ==, 1 + (size_t)w * n);
		check_int(pw_planes_decode(buf, len, n, out), ==, 0);
		check(!memcmp(out, v, n * sizeof(*v)));
		check_int(pw_planes_decode(buf, len - 1, n, out), ==, -1);
	}
	check_uint(pw_planes_width(v, 1), ==, 0);	// all zero: no plane
	check_uint(pw_planes_width(v, 3), ==, 1);	// -1 is zigzag 1
	check_uint(pw_planes_width(v, 8), ==, 2);	// 300 is zigzag 600
	check_uint(pw_planes_width(v, 12), ==, 8);
	buf[0] = 9;	// no width over 8
	check_int(pw_planes_decode(buf, 1, 0, out), ==, -1);
	len = pw_planes_encode(buf, v, 4, 1);
	check_int(pw_planes_decode(buf, len, 4, out), ==, 0);
	check_int(out[3], ==, 63);
}

// Truncation and corruption, with decoding threads and without: the same
// events, errors and places.
static void test_threads(void)
{
	for (int t = 0; t <= 2; t += 2) {
		threads = t;
		test_truncation();
		test_corruption();
	}
	threads = -1;
}

// The trailer read from the end: the one pw_reader_next() reaches, without
// reading the events; none in a file cut short, a damaged one refused.
static void test_peek_trailer(void)
{
	struct pw_reader *r;
	struct pw_trailer pk;
	struct pw_event ev;
	uint64_t offs[64], size;
	int err;

	check_int(write_stream(path_of("pk.cdict"), 300000, 9), ==, 0);
	check_int(open_reader(&r, path_of("pk.cdict")), ==, 0);
	check_int(pw_reader_peek_trailer(r, &pk), ==, 0);
	while ((err = pw_reader_next(r, &ev)) > 0)	// the position is unmoved
		;
	check_int(err, ==, 0);
	const struct pw_trailer *tr = pw_reader_trailer(r);
	check(tr != NULL);
	if (tr) {
		check_uint(pk.rows, ==, 300000);
		check_uint(pk.rows, ==, tr->rows);
		check_uint(pk.first_ns, ==, tr->first_ns);
		check_uint(pk.last_ns, ==, tr->last_ns);
		check_uint(pk.tasks, ==, tr->tasks);
		check_uint(pk.chunks, ==, tr->chunks);
		check_uint(pk.nr_stats, ==, tr->nr_stats);
		for (unsigned k = 0; k < PW_EV__COUNT; k++)
			check_uint(pk.events[k], ==, tr->events[k]);
	}
	pw_trailer_release(&pk);
	pw_reader_free(r);

	size_t n = chunk_offsets(path_of("pk.cdict"), offs, 64, &size);
	check_uint(n, ==, 7);
	// cut anywhere before the end: no trailer; the last byte changed: the
	// chunk found is refused by its checksum
	uint64_t cuts[] = { size - 1, offs[n - 1], offs[n - 1] + 20, offs[2] + 100, offs[1] };
	for (size_t i = 0; i < sizeof(cuts) / sizeof(*cuts); i++) {
		check_int(copy_prefix(path_of("pk.cdict"), path_of("pkcut.cdict"), cuts[i]), ==, 0);
		check_int(open_reader(&r, path_of("pkcut.cdict")), ==, 0);
		check_int(pw_reader_peek_trailer(r, &pk), ==, PW_ETRUNC);
		check_uint(pk.rows, ==, 0);
		pw_reader_free(r);
	}
	check_int(system("cp unit-cdict.d/pk.cdict unit-cdict.d/pkbad.cdict"), ==, 0);
	check_int(flip_byte(path_of("pkbad.cdict"), size - 3), ==, 0);
	check_int(open_reader(&r, path_of("pkbad.cdict")), ==, 0);
	check_int(pw_reader_peek_trailer(r, &pk), ==, PW_ECRC);
	pw_reader_free(r);
	// bytes after the trailer: none found (a reader calls them corrupt)
	check_int(system("cp unit-cdict.d/pk.cdict unit-cdict.d/pkx.cdict && "
			 "printf 'xyz' >>unit-cdict.d/pkx.cdict"), ==, 0);
	check_int(open_reader(&r, path_of("pkx.cdict")), ==, 0);
	check_int(pw_reader_peek_trailer(r, &pk), ==, PW_ETRUNC);
	pw_reader_free(r);
}

int main(void)
{
	system("rm -rf unit-cdict.d");	// a crashed earlier run may have left files
	mkdir(dir, 0755);
	TEST(test_round_trip(), "cdict: 10^6 events round trip, byte-identical rewrite, with and without the writer's thread");
	TEST(test_truncation(), "cdict: truncated files recover every complete chunk");
	TEST(test_corruption(), "cdict: flipped bits are named as checksum errors");
	TEST(test_huge_chunk(), "cdict: a chunk claiming 4 GiB is refused");
	TEST(test_bad_input(), "cdict: empty, random, missing, future-version files");
	TEST(test_planes(), "cdict: byte planes of every width, bad lengths refused");
	TEST(test_threads(), "cdict: truncation and corruption read alike with 0 and 2 threads");
	TEST(test_holds(), "cdict: batches lent past the next calls stay whole, bounded");
	TEST(test_writer_never_clobbers(), "cdict: a failed write leaves the old file");
	TEST(test_legacy(), "cdict: legacy perfwhiz files");
	TEST(test_peek_trailer(), "cdict: the trailer peeked from the end, none in a cut file");
	system("rm -rf unit-cdict.d");
	return check_done();
}
