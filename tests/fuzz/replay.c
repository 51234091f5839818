/* replay.c -- runs a fuzz target over its committed corpus without
 * libFuzzer (SQLite's fuzzcheck, tor's make fuzz): every CTest run feeds
 * each file to LLVMFuzzerTestOneInput, so a crash found once stays fixed.
 *
 *   replay FILE_OR_DIR...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT (4u * 1024 * 1024)

static int
run_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return -1;
  }
  uint8_t *buf = malloc(REPLAY_MAX_INPUT);
  if (!buf) {
    fclose(f);
    return -1;
  }
  size_t n = fread(buf, 1, REPLAY_MAX_INPUT, f);
  fclose(f);
  /* a copy of exactly n bytes, so ASan sees any read past the input */
  uint8_t *exact = malloc(n ? n : 1);
  if (!exact) {
    free(buf);
    return -1;
  }
  memcpy(exact, buf, n);
  free(buf);
  LLVMFuzzerTestOneInput(exact, n);
  free(exact);
  return 0;
}

int
main(int argc, char **argv)
{
  int files = 0, errors = 0;
  for (int i = 1; i < argc; i++) {
    struct stat sb;
    if (stat(argv[i], &sb) != 0) {
      fprintf(stderr, "replay: %s: not found\n", argv[i]);
      errors++;
      continue;
    }
    if (!S_ISDIR(sb.st_mode)) {
      errors += run_file(argv[i]) != 0;
      files++;
      continue;
    }
    DIR *d = opendir(argv[i]);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.')
        continue;
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
      errors += run_file(path) != 0;
      files++;
    }
    if (d)
      closedir(d);
  }
  printf("replayed %d inputs, %d unreadable\n", files, errors);
  return errors || files == 0 ? 1 : 0;
}
