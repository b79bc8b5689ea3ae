/*
 * clockshift: an LD_PRELOAD library that shifts the WALL clock of the process that loads it, and
 * nothing else. For tests that need one process whose wall clock is really off (broken NTP).
 *
 *   gcc -shared -fPIC -O2 -o libclockshift.so clockshift.c -ldl
 *   echo 3000 > /tmp/offset
 *   LD_PRELOAD=$PWD/libclockshift.so SOLIDB_CLOCKSHIFT_FILE=/tmp/offset dotnet solidb.dll ...
 *
 * Shifted: clock_gettime(CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_REALTIME_ALARM, CLOCK_TAI),
 * gettimeofday, time, timespec_get(TIME_UTC). .NET 10 reads DateTime.UtcNow through
 * libSystem.Native's SystemNative_GetSystemTimeAsTicks -> clock_gettime(CLOCK_REALTIME); its
 * Stopwatch, TickCount and timers read CLOCK_MONOTONIC / CLOCK_BOOTTIME, which pass through
 * untouched, as do the CPU-time clocks. Calls glibc makes internally (condition-variable timeouts,
 * ...) do not go through the PLT and are not shifted.
 *
 * The offset (signed milliseconds, one integer, e.g. 3000 or -3000) is read from the file named by
 * SOLIDB_CLOCKSHIFT_FILE, again at most every 100 ms of real CLOCK_MONOTONIC time, so a test can
 * change it while the process runs. A missing, unreadable, empty or malformed file (or an offset
 * beyond +-10 years) means offset 0. Replace the file by rename so a reader never sees half of it.
 *
 * Thread-safe: the offset and the next re-read time are atomics; one thread at a time re-reads the
 * file (a try-lock; the others keep the current offset). No allocation anywhere: the file is read
 * with open/read/close into a stack buffer. errno is preserved.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_MS 1000000LL
#define NS_PER_S 1000000000LL
#define REREAD_NS (100 * NS_PER_MS)
#define MAX_OFFSET_MS (10LL * 366 * 24 * 3600 * 1000)

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);
typedef int (*gettimeofday_fn)(struct timeval *, void *);

static _Atomic(clock_gettime_fn) real_clock_gettime_ptr;
static _Atomic(gettimeofday_fn) real_gettimeofday_ptr;
static atomic_llong offset_ns;          /* current shift of the wall clock */
static atomic_llong next_read_ns = 0;   /* CLOCK_MONOTONIC ns at which the file is read again (0: now) */
static atomic_int reading;              /* 1 while one thread re-reads the file */
static char offset_path[4096];          /* SOLIDB_CLOCKSHIFT_FILE, copied once (under `reading`) */
static int offset_path_copied;

static clock_gettime_fn real_clock_gettime(void)
{
    clock_gettime_fn f = atomic_load_explicit(&real_clock_gettime_ptr, memory_order_acquire);
    if (f == NULL) {
        f = (clock_gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
        atomic_store_explicit(&real_clock_gettime_ptr, f, memory_order_release);
    }
    return f;
}

static gettimeofday_fn real_gettimeofday(void)
{
    gettimeofday_fn f = atomic_load_explicit(&real_gettimeofday_ptr, memory_order_acquire);
    if (f == NULL) {
        f = (gettimeofday_fn)dlsym(RTLD_NEXT, "gettimeofday");
        atomic_store_explicit(&real_gettimeofday_ptr, f, memory_order_release);
    }
    return f;
}

__attribute__((constructor)) static void clockshift_init(void)
{
    (void)real_clock_gettime();
    (void)real_gettimeofday();
}

/* Parses "[ws][+|-]digits[ws]" into milliseconds; 0 for anything else or an absurd value. */
static long long parse_offset_ms(const char *s, ssize_t n)
{
    ssize_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    int negative = 0;
    if (i < n && (s[i] == '-' || s[i] == '+')) {
        negative = s[i] == '-';
        i++;
    }
    long long value = 0;
    ssize_t digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        value = value * 10 + (s[i] - '0');
        if (value > MAX_OFFSET_MS) return 0;
        i++;
        digits++;
    }
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    if (digits == 0 || i != n) return 0;
    return negative ? -value : value;
}

/* Called only by the thread holding `reading`. */
static long long read_offset_ns(void)
{
    if (!offset_path_copied) {
        const char *env = getenv("SOLIDB_CLOCKSHIFT_FILE");
        size_t i = 0;
        for (; env != NULL && env[i] != '\0' && i < sizeof offset_path - 1; i++) offset_path[i] = env[i];
        offset_path[env != NULL && env[i] != '\0' ? 0 : i] = '\0'; /* a path too long for the buffer: no file */
        offset_path_copied = 1;
    }
    if (offset_path[0] == '\0') return 0;
    int fd = open(offset_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return 0;
    char buf[64];
    ssize_t total = 0;
    for (;;) {
        ssize_t r = read(fd, buf + total, sizeof buf - (size_t)total);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { total = -1; break; }
        if (r == 0) break;
        total += r;
        if (total == (ssize_t)sizeof buf) { total = -1; break; } /* longer than any integer: garbage */
    }
    close(fd);
    return total > 0 ? parse_offset_ms(buf, total) * NS_PER_MS : 0;
}

/* The current offset, re-read from the file when the last read is 100 ms (monotonic) old. */
static long long current_offset_ns(void)
{
    struct timespec mono;
    if (real_clock_gettime()(CLOCK_MONOTONIC, &mono) == 0) {
        long long now = (long long)mono.tv_sec * NS_PER_S + mono.tv_nsec;
        if (now >= atomic_load_explicit(&next_read_ns, memory_order_acquire)
            && atomic_exchange_explicit(&reading, 1, memory_order_acquire) == 0) {
            int saved = errno;
            atomic_store_explicit(&offset_ns, read_offset_ns(), memory_order_release);
            atomic_store_explicit(&next_read_ns, now + REREAD_NS, memory_order_release);
            atomic_store_explicit(&reading, 0, memory_order_release);
            errno = saved;
        }
    }
    return atomic_load_explicit(&offset_ns, memory_order_acquire);
}

static void shift_timespec(struct timespec *ts, long long shift)
{
    long long sec = shift / NS_PER_S;
    long long nsec = ts->tv_nsec + shift % NS_PER_S;
    if (nsec < 0) { nsec += NS_PER_S; sec--; }
    else if (nsec >= NS_PER_S) { nsec -= NS_PER_S; sec++; }
    ts->tv_sec += (time_t)sec;
    ts->tv_nsec = (long)nsec;
}

/* glibc declares these pointers nonnull, yet callers do pass NULL (gettimeofday(NULL, &tz)): hide
 * the pointer from the optimiser so the NULL checks below are kept. */
#define LAUNDER(p) __asm__("" : "+r"(p))

static int is_wall_clock(clockid_t id)
{
    return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE
#ifdef CLOCK_REALTIME_ALARM
        || id == CLOCK_REALTIME_ALARM
#endif
#ifdef CLOCK_TAI
        || id == CLOCK_TAI
#endif
        ;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
    int rc = real_clock_gettime()(id, ts);
    LAUNDER(ts);
    if (rc == 0 && ts != NULL && is_wall_clock(id)) {
        shift_timespec(ts, current_offset_ns());
    }
    return rc;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    int rc = real_gettimeofday()(tv, tz);
    LAUNDER(tv);
    if (rc == 0 && tv != NULL) {
        struct timespec ts = { tv->tv_sec, (long)tv->tv_usec * 1000 };
        shift_timespec(&ts, current_offset_ns());
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    return rc;
}

time_t time(time_t *out)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return (time_t)-1;
    if (out != NULL) *out = ts.tv_sec;
    return ts.tv_sec;
}

int timespec_get(struct timespec *ts, int base)
{
    if (base != TIME_UTC || clock_gettime(CLOCK_REALTIME, ts) != 0) return 0;
    return base;
}
