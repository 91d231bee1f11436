/*
 * latproxy.c - a TCP proxy that holds every chunk of data for a fixed delay
 * in each direction, and counts round trips.
 *
 *   latproxy [-d MICROSECONDS] [-p PORT] [-o COUNTS_FILE] TARGET_HOST TARGET_PORT
 *
 * The benchmark's latency run puts it between a migration tool and the
 * database server, to show what a network round trip costs (the machine
 * has no netem).  It listens on 127.0.0.1:PORT (0, the default, takes a
 * free port), prints "port N" on standard output once it listens, and runs
 * until SIGTERM or SIGINT.  Then it writes one line of counts to
 * COUNTS_FILE (standard error without -o) and exits 0:
 *
 *   connections  accepted client connections
 *   round_trips  client bursts: data from the client after the server spoke
 *                last (or first on the connection); each is one wait for a
 *                reply, so round_trips x 2 x delay is the time they cost
 *   client_reads, client_bytes, server_reads, server_bytes
 *   late_mean_us, late_max_us   how far after its due time a chunk left:
 *                the delay the proxy added beyond the one asked for
 *   realtime     1 when it runs at a real-time priority (see proxy_realtime)
 *
 * One thread, one ppoll() loop.  Each direction of a connection is a FIFO
 * of chunks stamped with the time they may leave (read time + delay): the
 * loop sleeps until the earliest stamp, so the order of bytes is kept and
 * no chunk waits longer than the delay plus the timer's wake-up latency
 * (timer slack is set to its minimum for that).  A direction stops reading
 * while its queue holds more than QUEUE_MAX bytes, so a fast sender cannot
 * fill memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 64
#define READ_SIZE 65536
#define QUEUE_MAX (8 * 1024 * 1024)

struct chunk {
    struct chunk *next;
    int64_t due_ns;
    size_t len, off;
    char data[];
};

/* One direction of a connection: bytes read from `from`, queued, written to `to`. */
struct pipe_dir {
    int from, to;
    struct chunk *head, *tail;
    size_t queued;
    bool eof;       /* `from` reached end of file */
    bool shut;      /* `to` was shut down for writing after the queue drained */
    int64_t free_ns; /* when the last chunk was written whole */
};

struct conn {
    bool used;
    struct pipe_dir up;    /* client -> server */
    struct pipe_dir down;  /* server -> client */
    int last_dir;          /* 0 nothing yet, 1 client spoke last, 2 server */
};

struct counts {
    uint64_t connections, round_trips;
    uint64_t client_reads, client_bytes, server_reads, server_bytes;
    uint64_t sent, late_sum_ns, late_max_ns;
};

static struct conn conns[MAX_CONNS];
static struct counts total;
static int64_t delay_ns;
static volatile sig_atomic_t stop;
static bool realtime;

static void proxy_on_signal(int sig) { (void)sig; stop = 1; }

/* On a busy machine a woken process may wait for a core longer than the
 * delay itself; a real-time priority (where allowed: root, or
 * CAP_SYS_NICE) lets the proxy run the moment its timer fires.  It sleeps
 * between chunks, so it takes no time from the programs it measures. */
static bool proxy_realtime(void) {
    struct sched_param sp = { .sched_priority = 1 };
    return sched_setscheduler(0, SCHED_FIFO, &sp) == 0;
}

static int64_t proxy_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int proxy_nonblock(int fd) {
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Small writes must leave at once, as the endpoints' own sockets do:
 * Nagle's algorithm would hold a second small chunk until an ACK. */
static void proxy_nodelay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int proxy_listen(int port) {
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 64) < 0 ||
        proxy_nonblock(fd) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int proxy_bound_port(int fd) {
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
        return -1;
    return ntohs(a.sin_port);
}

/* The upstream connection is made while the client waits in accept's
 * wake-up: on loopback a blocking connect returns at once. */
static int proxy_connect(const struct addrinfo *target) {
    for (const struct addrinfo *ai = target; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 && proxy_nonblock(fd) == 0) {
            proxy_nodelay(fd);
            return fd;
        }
        close(fd);
    }
    return -1;
}

static void proxy_accept(int lfd, const struct addrinfo *target) {
    int cfd = accept(lfd, NULL, NULL);
    if (cfd < 0)
        return;
    struct conn *c = NULL;
    for (int i = 0; i < MAX_CONNS && !c; i++)
        if (!conns[i].used)
            c = &conns[i];
    int sfd = c ? proxy_connect(target) : -1;
    if (sfd < 0 || proxy_nonblock(cfd) < 0) {
        fprintf(stderr, "latproxy: %s\n", c ? "cannot connect to the target" : "too many connections");
        close(cfd);
        if (sfd >= 0)
            close(sfd);
        return;
    }
    proxy_nodelay(cfd);
    memset(c, 0, sizeof *c);
    c->used = true;
    c->up = (struct pipe_dir){ .from = cfd, .to = sfd };
    c->down = (struct pipe_dir){ .from = sfd, .to = cfd };
    total.connections++;
}

static void proxy_free_queue(struct pipe_dir *d) {
    while (d->head) {
        struct chunk *next = d->head->next;
        free(d->head);
        d->head = next;
    }
    d->tail = NULL;
    d->queued = 0;
}

static void proxy_close(struct conn *c) {
    close(c->up.from);
    close(c->up.to);
    proxy_free_queue(&c->up);
    proxy_free_queue(&c->down);
    c->used = false;
}

/* Reads what `d->from` has into a chunk due `delay_ns` from now.  Returns
 * false when the connection broke. */
static bool proxy_read(struct conn *c, struct pipe_dir *d, int64_t now) {
    char buf[READ_SIZE];
    ssize_t n = read(d->from, buf, sizeof buf);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    if (n == 0) {
        d->eof = true;
        return true;
    }
    struct chunk *k = malloc(sizeof *k + (size_t)n);
    if (!k)
        return false;
    *k = (struct chunk){ .due_ns = now + delay_ns, .len = (size_t)n };
    memcpy(k->data, buf, (size_t)n);
    if (d->tail)
        d->tail->next = k;
    else
        d->head = k;
    d->tail = k;
    d->queued += (size_t)n;

    int dir = d == &c->up ? 1 : 2;
    if (dir == 1) {
        if (c->last_dir != 1)
            total.round_trips++;
        total.client_reads++;
        total.client_bytes += (uint64_t)n;
    } else {
        total.server_reads++;
        total.server_bytes += (uint64_t)n;
    }
    c->last_dir = dir;
    return true;
}

/* Writes every chunk that is due; a partial write leaves the rest for the
 * next POLLOUT.  Shuts `to` for writing once `from` ended and the queue is
 * empty, so each side sees the other's end of file in order. */
static bool proxy_flush(struct pipe_dir *d, int64_t now) {
    while (d->head && d->head->due_ns <= now) {
        struct chunk *k = d->head;
        /* Lateness is counted from the due time, or from when the chunk
         * before it was out, if that was later: a receiver that reads
         * slowly holds the queue back, and that is not the timer's doing. */
        if (k->off == 0) {
            int64_t from = k->due_ns > d->free_ns ? k->due_ns : d->free_ns;
            uint64_t late = (uint64_t)(now - from);
            total.sent++;
            total.late_sum_ns += late;
            if (late > total.late_max_ns)
                total.late_max_ns = late;
        }
        ssize_t n = write(d->to, k->data + k->off, k->len - k->off);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR;
        k->off += (size_t)n;
        d->queued -= (size_t)n;
        if (k->off < k->len)
            return true;
        d->head = k->next;
        if (!d->head)
            d->tail = NULL;
        d->free_ns = now;
        free(k);
    }
    if (d->eof && !d->head && !d->shut) {
        shutdown(d->to, SHUT_WR);
        d->shut = true;
    }
    return true;
}

/* The poll events one direction wants: input while its queue has room,
 * output while a due chunk is only partly written. */
static void proxy_want(struct pipe_dir *d, int64_t now, short *from_ev, short *to_ev) {
    if (!d->eof && d->queued < QUEUE_MAX)
        *from_ev |= POLLIN;
    if (d->head && d->head->due_ns <= now && d->head->off > 0)
        *to_ev |= POLLOUT;
}

static int64_t proxy_next_due(int64_t earliest, const struct pipe_dir *d) {
    if (d->head && (earliest < 0 || d->head->due_ns < earliest))
        return d->head->due_ns;
    return earliest;
}

static void proxy_report(const char *path) {
    FILE *f = path ? fopen(path, "w") : stderr;
    if (!f) {
        fprintf(stderr, "latproxy: cannot write %s\n", path);
        f = stderr;
    }
    double mean_us = total.sent ? (double)total.late_sum_ns / (double)total.sent / 1000.0 : 0.0;
    fprintf(f, "connections=%llu round_trips=%llu client_reads=%llu client_bytes=%llu "
            "server_reads=%llu server_bytes=%llu delay_us=%lld late_mean_us=%.1f late_max_us=%.1f "
            "realtime=%d\n",
            (unsigned long long)total.connections, (unsigned long long)total.round_trips,
            (unsigned long long)total.client_reads, (unsigned long long)total.client_bytes,
            (unsigned long long)total.server_reads, (unsigned long long)total.server_bytes,
            (long long)(delay_ns / 1000), mean_us, (double)total.late_max_ns / 1000.0, realtime);
    if (f != stderr)
        fclose(f);
}

/* One pass of the loop: wait for input, output room or the next due chunk,
 * then read, write and retire connections whose both directions ended. */
static void proxy_step(int lfd, const struct addrinfo *target, const sigset_t *waitmask) {
    struct pollfd pfd[1 + 2 * MAX_CONNS];
    int idx[MAX_CONNS];   /* a connection's first pollfd; -1 when not polled */
    int64_t now = proxy_now_ns(), earliest = -1;
    nfds_t n = 0;

    pfd[n++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
    for (int i = 0; i < MAX_CONNS; i++) {
        struct conn *c = &conns[i];
        idx[i] = -1;
        if (!c->used)
            continue;
        short cev = 0, sev = 0;
        proxy_want(&c->up, now, &cev, &sev);
        proxy_want(&c->down, now, &sev, &cev);
        /* A socket with nothing wanted is left out: after its end of file
         * it would report POLLHUP on every pass and spin the loop. */
        idx[i] = (int)n;
        pfd[n++] = (struct pollfd){ .fd = cev ? c->up.from : -1, .events = cev };
        pfd[n++] = (struct pollfd){ .fd = sev ? c->down.from : -1, .events = sev };
        earliest = proxy_next_due(proxy_next_due(earliest, &c->up), &c->down);
    }

    struct timespec ts, *tsp = NULL;
    if (earliest >= 0) {
        int64_t wait = earliest > now ? earliest - now : 0;
        ts = (struct timespec){ .tv_sec = wait / 1000000000, .tv_nsec = wait % 1000000000 };
        tsp = &ts;
    }
    if (ppoll(pfd, n, tsp, waitmask) < 0)
        return;   /* EINTR: the signal handler set `stop` */

    now = proxy_now_ns();
    for (int i = 0; i < MAX_CONNS; i++) {
        struct conn *c = &conns[i];
        if (!c->used || idx[i] < 0)
            continue;
        short crev = pfd[idx[i]].revents, srev = pfd[idx[i] + 1].revents;
        bool ok = true;
        if (!c->up.eof && (crev & (POLLIN | POLLHUP | POLLERR)))
            ok = proxy_read(c, &c->up, now);
        if (ok && !c->down.eof && (srev & (POLLIN | POLLHUP | POLLERR)))
            ok = proxy_read(c, &c->down, now);
        ok = ok && proxy_flush(&c->up, now) && proxy_flush(&c->down, now);
        if (!ok || (c->up.shut && c->down.shut))
            proxy_close(c);
    }
    if (pfd[0].revents & POLLIN)
        proxy_accept(lfd, target);
}

static int proxy_usage(void) {
    fprintf(stderr, "usage: latproxy [-d MICROSECONDS] [-p PORT] [-o COUNTS_FILE] "
            "TARGET_HOST TARGET_PORT\n");
    return 2;
}

int main(int argc, char **argv) {
    const char *counts_path = NULL;
    long delay_us = 0, port = 0;
    int opt;
    char *end;

    while ((opt = getopt(argc, argv, "d:p:o:")) != -1) {
        switch (opt) {
        case 'd':
            delay_us = strtol(optarg, &end, 10);
            if (*end || delay_us < 0 || delay_us > 10000000) {
                fprintf(stderr, "latproxy: -d %s: give the delay in microseconds, 0 to 10000000\n", optarg);
                return 2;
            }
            break;
        case 'p':
            port = strtol(optarg, &end, 10);
            if (*end || port < 0 || port > 65535) {
                fprintf(stderr, "latproxy: -p %s: give a port number, 0 for any free port\n", optarg);
                return 2;
            }
            break;
        case 'o':
            counts_path = optarg;
            break;
        default:
            return proxy_usage();
        }
    }
    if (argc - optind != 2)
        return proxy_usage();
    delay_ns = (int64_t)delay_us * 1000;

    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *target;
    int rc = getaddrinfo(argv[optind], argv[optind + 1], &hints, &target);
    if (rc != 0) {
        fprintf(stderr, "latproxy: target %s:%s: %s\n", argv[optind], argv[optind + 1], gai_strerror(rc));
        return 2;
    }
    int lfd = proxy_listen((int)port);
    if (lfd < 0) {
        fprintf(stderr, "latproxy: cannot listen on 127.0.0.1:%ld: %s\n", port, strerror(errno));
        return 1;
    }

    /* SIGTERM and SIGINT are blocked except inside ppoll(), so a signal
     * that arrives between two passes still ends the wait at once. */
    struct sigaction sa = { .sa_handler = proxy_on_signal };
    sigset_t block, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &waitmask);
    sigdelset(&waitmask, SIGTERM);
    sigdelset(&waitmask, SIGINT);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    realtime = proxy_realtime();

    printf("port %d\n", proxy_bound_port(lfd));
    fflush(stdout);
    while (!stop)
        proxy_step(lfd, target, &waitmask);

    proxy_report(counts_path);
    for (int i = 0; i < MAX_CONNS; i++)
        if (conns[i].used)
            proxy_close(&conns[i]);
    freeaddrinfo(target);
    close(lfd);
    return 0;
}
