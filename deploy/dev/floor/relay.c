// The CPU floor of any relay on this machine: the least a program can do to pass a docker exec's output on.
// It reads the hijacked stream of exec ID (reads of READ_BYTES; after a drained burst of 4 KiB or more it
// sleeps NAP_MICROS, as the broker's ReadCoalescing waits) and writes every byte, unparsed, to a loopback TCP
// socket that a forked sink reads. No demultiplexing, no WebSocket framing, no JVM: the broker does all of
// this and more, so its CPU per GiB cannot be below this program's. Prints the relay's CPU seconds per GiB.
// Usage: relay EXEC_ID [NAP_MICROS=1000] [READ_BYTES=65536]; run by relay-floor.sh.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
static double cpu(int who) { struct rusage u; getrusage(who, &u); return u.ru_utime.tv_sec + u.ru_utime.tv_usec/1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec/1e6; }
int main(int argc, char **argv) {
  const char *id = argv[1]; int nap = argc > 2 ? atoi(argv[2]) : 1000;
  int ls = socket(AF_INET, SOCK_STREAM, 0); struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(ls, (void*)&sa, sizeof sa); listen(ls, 1); socklen_t sl = sizeof sa; getsockname(ls, (void*)&sa, &sl);
  pid_t child = fork();
  if (child == 0) { // sink
    int c = accept(ls, 0, 0); char *b = malloc(262144); long t = 0; ssize_t r;
    while ((r = read(c, b, 262144)) > 0) t += r;
    fprintf(stderr, "sink: %ld bytes, cpu %.3f s\n", t, cpu(RUSAGE_SELF)); _exit(0);
  }
  int out = socket(AF_INET, SOCK_STREAM, 0); int one = 1; setsockopt(out, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(out, (void*)&sa, sizeof sa)) { perror("connect tcp"); return 1; }
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX}; strcpy(a.sun_path, "/var/run/docker.sock");
  if (connect(fd, (void*)&a, sizeof a)) { perror("connect"); return 1; }
  char req[512]; const char *body = "{\"Detach\":false,\"Tty\":false}";
  int n = snprintf(req, sizeof req, "POST /exec/%s/start HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: %zu\r\n\r\n%s", id, strlen(body), body);
  write(fd, req, n);
  fcntl(fd, F_SETFL, O_NONBLOCK);
  size_t bufsz = argc > 3 ? atoi(argv[3]) : 65536; char *buf = malloc(bufsz); long total = 0, reads = 0, writes = 0, burst = 0; ssize_t r;
  double c0 = cpu(RUSAGE_SELF);
  struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    r = read(fd, buf, bufsz);
    if (r == 0) break;
    if (r < 0) {
      if (errno != EAGAIN) { perror("read"); break; }
      if (burst >= 4096 && nap) usleep(nap);
      else { fd_set s; FD_ZERO(&s); FD_SET(fd, &s); select(fd + 1, &s, 0, 0, 0); }
      burst = 0; continue;
    }
    reads++; total += r; burst += r;
    for (ssize_t off = 0; off < r; ) { ssize_t w = write(out, buf + off, r - off); if (w < 0) { perror("write"); return 1; } off += w; }
    writes++;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double c = cpu(RUSAGE_SELF) - c0, secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec)/1e9, gib = total / 1073741824.0;
  close(out); int st; waitpid(child, &st, 0);
  printf("relay nap %d: %ld bytes, %ld reads, %.1f MiB/s, relay cpu %.3f s/GiB\n", nap, total, reads, total/1048576.0/secs, c/gib);
  return 0;
}
