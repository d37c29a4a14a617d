/*
 * Dropping privileges (see privs.h).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "probe/privs.h"
#include "probe/vqprobe.h"

/* *cause = "cannot drop privileges to USER: WHAT: strerror"; returns -1. */
static int
failed(const char *user, const char *what, int err, char **cause)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "cannot drop privileges to %s: %s%s%s",
	    user, what, err ? ": " : "", err ? strerror(err) : "");
	*cause = xstrdup(buf);
	return -1;
}

int
privs_drop(const char *user, char **cause)
{
	struct passwd *pw;
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		return failed(user, "no such user", errno, cause);
	/* Groups first: once the uid is gone, they can no longer change. */
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 &&
	    setgroups(1, &pw->pw_gid) != 0)
		return failed(user, "setgroups", errno, cause);
	if (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0)
		return failed(user, "setresgid", errno, cause);
	if (setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0)
		return failed(user, "setresuid", errno, cause);

	/* Trust, but verify: every id, and that root does not come back. */
	if (getresuid(&ruid, &euid, &suid) != 0 ||
	    getresgid(&rgid, &egid, &sgid) != 0)
		return failed(user, "cannot read the ids back", errno, cause);
	if (ruid != pw->pw_uid || euid != pw->pw_uid || suid != pw->pw_uid ||
	    rgid != pw->pw_gid || egid != pw->pw_gid || sgid != pw->pw_gid)
		return failed(user, "the ids did not change", 0, cause);
	if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return failed(user, "root could be taken back", 0, cause);
	return 0;
}
