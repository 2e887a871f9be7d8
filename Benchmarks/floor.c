/* The libcsv floor: parse files with libcsv in strict mode and only count fields and rows.
 * What chiso's ingest is measured against (`make bench`).
 *
 *   cc -O2 -o floor floor.c -lcsv && ./floor FILE...
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct counts { size_t fields, rows; };

static void on_field(void *s, size_t len, void *data) { (void)s; (void)len; ((struct counts *)data)->fields++; }
static void on_row(int c, void *data) { (void)c; ((struct counts *)data)->rows++; }
static int no_space(unsigned char c) { (void)c; return 0; }

int main(int argc, char **argv) {
    static char buf[1 << 20];
    struct counts n = {0, 0};
    size_t bytes = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) { perror(argv[i]); return 2; }
        struct csv_parser p;
        csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
        csv_set_space_func(&p, no_space);
        /* Tab- and semicolon-delimited files are read with their delimiter, as chiso detects it. */
        if (strstr(argv[i], "tre-han")) csv_set_delim(&p, '\t');
        if (strstr(argv[i], "ho-so-02")) csv_set_delim(&p, ';');
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
            bytes += got;
            if (csv_parse(&p, buf, got, on_field, on_row, &n) != got) {
                fprintf(stderr, "%s: %s\n", argv[i], csv_strerror(csv_error(&p)));
                return 1;
            }
        }
        csv_fini(&p, on_field, on_row, &n);
        csv_free(&p);
        fclose(f);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("bytes=%zu rows=%zu fields=%zu seconds=%.3f mb_per_s=%.1f\n", bytes, n.rows, n.fields, s, bytes / 1048576.0 / s);
    return 0;
}
