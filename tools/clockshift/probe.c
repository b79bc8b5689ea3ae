/*
 * Prints one line per clock, "name value", each value in nanoseconds (time(): whole seconds), for
 * the clockshift tests: run it with and without libclockshift.so and compare.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static void print_clock(const char *name, clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) == 0) {
        printf("%s %lld\n", name, (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    }
}

int main(void)
{
    print_clock("monotonic", CLOCK_MONOTONIC);
    print_clock("monotonic_raw", CLOCK_MONOTONIC_RAW);
    print_clock("boottime", CLOCK_BOOTTIME);
    print_clock("realtime", CLOCK_REALTIME);
    print_clock("realtime_coarse", CLOCK_REALTIME_COARSE);
    struct timeval tv;
    if (gettimeofday(&tv, NULL) == 0) {
        printf("gettimeofday %lld\n", (long long)tv.tv_sec * 1000000000LL + (long long)tv.tv_usec * 1000LL);
    }
    printf("time %lld\n", (long long)time(NULL));
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) == TIME_UTC) {
        printf("timespec_get %lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    }
    return 0;
}
