// Glibc's Swift module hides what _GNU_SOURCE guards; defining it here, in a .c file, exposes it.
#define _GNU_SOURCE
#include "CShim.h"
#include <sys/socket.h>

int v6_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid) {
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return -1;
    *pid = cred.pid;
    *uid = cred.uid;
    *gid = cred.gid;
    return 0;
}
