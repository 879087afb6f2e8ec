/* replay_main.c: a plain main for the fuzz target (no libFuzzer), so that the target compiles
 * and runs in every build: runs LLVMFuzzerTestOneInput once on each file given, or on each
 * regular file of each directory given (not recursive). Used by the `fuzz_replay` meson test on
 * tests/fuzz/corpus and tests/fuzz/crashes, and by hand to reproduce a crash:
 *     build/tests/fuzz/fuzz_replay tests/fuzz/crashes/crash-XXXX
 * Exit status 0 when every input ran (a crash ends the process, which is the failure). An input
 * that runs longer than REPLAY_SECONDS is a hang: the process names it and exits with 3. */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REPLAY_SECONDS 10 /* the seeds take milliseconds; libFuzzer's own default is 1200 s */

static const char *current; /* input being run, for the hang message */

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "fuzz_replay: hang (more than 10 s) on input ";
    ssize_t r = write(2, msg, sizeof msg - 1);
    if (current) r = write(2, current, strlen(current));
    r = write(2, "\n", 1);
    (void)r;
    _exit(3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fuzz_replay: cannot open %s\n", path);
        return -1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *p = realloc(buf, cap *= 2);
            if (!p) free(buf);
            buf = p; /* NULL ends the loop */
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "fuzz_replay: out of memory reading %s\n", path);
        return -1;
    }
    current = path;
    alarm(REPLAY_SECONDS);
    LLVMFuzzerTestOneInput(buf, len);
    alarm(0);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    size_t runs = 0;
    int bad = 0;
    signal(SIGALRM, on_alarm);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "fuzz_replay: no such file or directory: %s\n", argv[i]);
            bad = 1;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (run_file(argv[i])) bad = 1;
            else runs++;
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (!d) {
            bad = 1;
            continue;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.') continue;
            size_t need = strlen(argv[i]) + strlen(e->d_name) + 2;
            char *path = malloc(need);
            if (!path) break;
            snprintf(path, need, "%s/%s", argv[i], e->d_name);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                if (run_file(path)) bad = 1;
                else runs++;
            }
            free(path);
        }
        closedir(d);
    }
    printf("fuzz_replay: %zu input(s) run\n", runs);
    return bad ? 1 : 0;
}
