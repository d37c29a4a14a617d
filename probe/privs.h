/*
 * Giving up root once the capture is open (-Z USER), as tcpdump does.
 */
#ifndef VQ_PRIVS_H
#define VQ_PRIVS_H

/*
 * Become user: its groups, its group, then its uid, and check that none of
 * root's ids is left and that root cannot be taken back.  Returns 0, or
 * -1 with *cause (free it) when the user is unknown or any step fails; the
 * caller must not go on then.
 */
int	privs_drop(const char *user, char **cause);

#endif /* VQ_PRIVS_H */
