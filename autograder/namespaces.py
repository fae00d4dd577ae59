"""Linux isolation for one sandboxed run: namespaces, a private read-only root, no privileges.

Modes (see `best_mode`): "root" when the grader is root; "user" for an ordinary account where the
kernel allows unprivileged user namespaces (the account is mapped to "nobody" inside); "none" when
the instructor turned isolation off. `fork_into_namespaces` forks a process straight into new
mount, network, IPC, PID and UTS namespaces (and, in "user" mode, a user namespace that owns
them); before anything else it calls `settle`, which makes a root directory that holds only the
Python installation, read-only, the course package hidden, and a small writable scratch folder.
"""
from __future__ import annotations

import ctypes
import errno
import functools
import os
import platform
import signal
import site
import sys
import sysconfig

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong,
                        ctypes.c_char_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
_libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1024, 2048, 1 << 21
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 36, 38, 47
_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}
# clone's number, and where its flags go among its arguments (s390x takes the stack first)
_CLONE = {"x86_64": (56, 0), "aarch64": (220, 0), "riscv64": (220, 0), "ppc64le": (120, 0),
          "s390x": (120, 1)}
_python = ctypes.PyDLL(None, use_errno=True)   # C calls that keep the GIL (os.fork's own steps)
_python.syscall.restype = ctypes.c_long
NOBODY = 65534
SCRATCH = "/scratch"


def _check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _bytes(text):
    return None if text is None else os.fsencode(text)


def prctl(option: int, value: int = 0) -> None:
    _check(_libc.prctl(option, value, 0, 0, 0), f"prctl {option}")


def mount(source: str | None, target: str, fstype: str | None, flags: int,
          data: str | None = None) -> None:
    _check(_libc.mount(_bytes(source), _bytes(target), _bytes(fstype), flags, _bytes(data)),
           f"mount {target}")


def best_mode() -> tuple[str | None, str]:
    """The strongest isolation this machine gives this account: ("root" | "user", "") or
    (None, why not). Tried in a throwaway child, so nothing here changes."""
    if not sys.platform.startswith("linux"):
        return None, f"the sandbox needs Linux namespaces; this is {sys.platform}"
    mode = "root" if os.geteuid() == 0 else "user"
    read, write = os.pipe()
    pid = os.fork()   # a single-threaded child, whatever threads this process has
    if pid == 0:
        os.close(read)
        os._exit(_probe(mode, (os.geteuid(), os.getegid()), write))
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        why = pipe.read().decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    return (mode, "") if status == 0 else (None, why or f"probe ended with status {status}")


def _probe(mode, ids, report):
    """Fork into the namespaces of mode and settle there (probe only): 0 if that worked, else 1
    with why written to the file descriptor report."""
    try:
        pid = fork_into_namespaces(mode)
        if pid == 0:
            settle(mode, ids, "/", 1, probe=True)
            return 0
        _, status = os.waitpid(pid, 0)
        return 0 if status == 0 else 1
    except BaseException as error:   # noqa: B036 (report anything, then leave)
        os.write(report, str(error).encode()[:500])
        return 1


def namespace_flags(mode: str) -> int:
    """The namespaces of a sandboxed run: mount, network, IPC, PID and UTS, and in "user" mode a
    user namespace that owns them."""
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWUTS
    return flags | (CLONE_NEWUSER if mode == "user" else 0)


def fork_into_namespaces(mode: str) -> int:
    """os.fork, but the child starts in the namespaces of namespace_flags(mode), as PID 1 of its
    PID namespace (one process fewer than unshare and a fork). Returns the child's pid in the
    parent, 0 in the child, which must call settle first. Python's own steps around a fork run
    as os.fork runs them. Only a single-threaded process may call it: unlike fork, the raw clone
    runs none of the C library's fork handlers, so a lock another thread held would stay held
    in the child (raises OSError)."""
    if platform.machine() not in _CLONE:
        raise OSError(errno.ENOSYS, f"the sandbox cannot clone on {platform.machine()}")
    if len(os.listdir("/proc/self/task")) > 1:
        raise OSError(errno.EINVAL, "the sandbox clones only from a single-threaded process")
    number, at = _CLONE[platform.machine()]
    arguments = [ctypes.c_long(0) for _ in range(5)]
    arguments[at] = ctypes.c_long(namespace_flags(mode) | signal.SIGCHLD)
    _python.PyOS_BeforeFork()
    pid = _python.syscall(ctypes.c_long(number), *arguments)
    if pid == 0:
        _python.PyOS_AfterFork_Child()
        return 0
    error = ctypes.get_errno()
    _python.PyOS_AfterFork_Parent()
    if pid < 0:
        raise OSError(error, f"clone: {os.strerror(error)}")
    return pid


def settle(mode: str, ids: tuple[int, int], workdir: str, scratch_mb: int, owner: int = NOBODY,
           probe: bool = False) -> None:
    """In new namespaces: map ids (the (uid, gid) outside) to nobody in "user" mode, and make
    `workdir` (an empty folder) the root directory: the Python installation read-only, the course
    package hidden, SCRATCH writable (scratch_mb MiB, owned by owner, the uid the student's
    process will have). With probe, stop after one tmpfs mount."""
    if mode == "user":
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{NOBODY} {ids[0]} 1")
        _write("/proc/self/gid_map", f"{NOBODY} {ids[1]} 1")
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    if probe:
        mount("probe", "/tmp" if os.path.isdir("/tmp") else "/", "tmpfs", MS_NOSUID | MS_NODEV,
              "size=4k")
        return
    mount("sandbox", workdir, "tmpfs", MS_NOSUID | MS_NODEV, "size=2m,nr_inodes=4096,mode=0755")
    for path in python_paths():
        _bind_readonly(path, workdir + path)
    for path in hidden_paths():
        if os.path.isdir(workdir + path):
            _empty(workdir + path, "mode=0555,size=4k")
    os.mkdir(workdir + SCRATCH)
    owner_ids = f",uid={owner},gid={owner}" if mode == "root" else ""
    _empty(workdir + SCRATCH, f"mode=0700,size={scratch_mb}m,nr_inodes=4096{owner_ids}", writable=True)
    os.mkdir(workdir + "/dev")
    open(workdir + "/dev/null", "w").close()
    mount("/dev/null", workdir + "/dev/null", None, MS_BIND)
    os.chdir(workdir)
    _check(_libc.syscall(_PIVOT_ROOT[platform.machine()], b".", b"."), "pivot_root")
    _check(_libc.umount2(b".", MNT_DETACH), "umount old root")
    os.chdir("/")
    mount(None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "size=2m,nr_inodes=4096")


def _write(path, text):
    with open(path, "w") as file:
        file.write(text)


def _empty(target, options, writable=False):
    """Mount a fresh tmpfs on target (read-only unless writable)."""
    mount("sandbox", target, "tmpfs", MS_NOSUID | MS_NODEV, options)
    if not writable:
        mount(None, target, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, options)


_LOCKED = ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC),
           (os.ST_NOATIME, MS_NOATIME), (os.ST_NODIRATIME, MS_NODIRATIME),
           (os.ST_RELATIME, MS_RELATIME))


def _bind_readonly(source, target):
    """Bind source at target, read-only, keeping the flags a user namespace may not drop."""
    os.makedirs(target, exist_ok=True)
    mount(source, target, None, MS_BIND)
    kept = os.statvfs(source).f_flag
    flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV
    flags |= sum(ms for st, ms in _LOCKED if kept & st)
    mount(None, target, None, flags)


@functools.cache
def python_paths() -> tuple[str, ...]:
    """The folders of the Python installation and its packages (real paths, none inside
    another), which a sandboxed run sees read-only. Worked out once per process (about 1-2 ms,
    most of it sysconfig's): a grading worker asks before it forks its runs."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             *site.getsitepackages(), *(sysconfig.get_paths()[k] for k in
                                       ("stdlib", "platstdlib", "purelib", "platlib"))}
    if site.ENABLE_USER_SITE:
        paths.add(site.getusersitepackages())
    real = sorted({os.path.realpath(p) for p in paths if os.path.isdir(p)})
    return tuple(p for p in real if not any(p.startswith(q.rstrip("/") + "/") for q in real if q != p))


@functools.cache
def hidden_paths() -> tuple[str, ...]:
    """Folders a sandboxed run must not see even where the installation holds them: the course
    package (its exercise definitions are the answer machinery). Worked out once per process."""
    import course
    return tuple(os.path.realpath(p) for p in course.__path__)


def drop_privileges(mode: str, uid: int) -> None:
    """In the student's process: no way back to any privilege. "root": become uid (a user of
    its own); "user": give up every capability held in the user namespace. Both: no_new_privs."""
    if mode == "root":
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    elif mode == "user":
        _libc.prctl(PR_CAP_AMBIENT, 4, 0, 0, 0)   # PR_CAP_AMBIENT_CLEAR_ALL
        for capability in range(64):
            if _libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                break
        header = (ctypes.c_uint32 * 2)(0x20080522, 0)   # _LINUX_CAPABILITY_VERSION_3, this process
        data = (ctypes.c_uint32 * 6)()
        _check(_libc.capset(header, data), "capset")
    prctl(PR_SET_NO_NEW_PRIVS, 1)
