#ifndef V6_CSHIM_H
#define V6_CSHIM_H
#include <sys/types.h>
#include <stdint.h>

/// Peer credentials of a connected Unix socket (SO_PEERCRED); 0 on success, -1 with errno.
int v6_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

#endif
