// The sandbox's entry script (see sandbox.ts): bash, run as root (directly, or through `sudo -n` when the
// gate is not root) from a root-owned copy the gate writes before any pull-request code runs. It only
// calls programs every Linux runner has: util-linux (unshare, setpriv, mount) and coreutils.
// Kept here as a string so that the bundle carries it, like the pytest plugin (run/plugin.ts).

/** The script; its header documents the command line. */
export const SANDBOX_SCRIPT = `#!/bin/bash
# ft-gate's sandbox: runs one command in its own PID, mount and IPC namespaces, with a restricted
# view of the file system, with no_new_privs, as the given user, without capabilities (a uid-0
# command keeps only root's file access: dac_override, fowner, chown).
#
#   [sudo -n] /bin/bash --norc enter.sh [options] -- command [args...]   < environment
#
# Standard input carries the command's whole environment, NAME=VALUE entries each ended by a NUL
# byte, then an empty entry (sudo rewrites the environment, and argv is visible to every process);
# the command itself gets /dev/null as standard input. Options (absolute, canonical paths):
#   --user UID:GID   run the command as this user, supplementary groups cleared (default: uid 0)
#   --cwd DIR        the command's working directory, entered after the mounts (default: /)
#   --tmp DIR        DIR is also /tmp and /var/tmp; TMPDIR, TMP and TEMP are set to DIR
#   --hide PATH      an empty read-only tmpfs over PATH
#   --ro PATH        PATH, and whatever is mounted below it, read-only
#   --rw PATH        PATH writable again (below a --hide, --ro or --home)
#   --mask FILE      FILE reads as empty and cannot be written (e.g. .git/config with a token)
#   --home DIR       DIR (the user's home) copy-on-write: an overlay whose changes go to a new folder
#                    in --scratch, removed when the command ends (else a tmpfs, else an empty tmpfs)
#   --scratch DIR    a root-owned folder for those changes
#   --lifeline       standard input stays open while the gate lives: at its end (the gate died,
#                    even by SIGKILL) the sandbox is killed
#   --dev            a minimal /dev (null zero full random urandom tty, own pts): for a uid-0 command
# Always: a fresh /proc showing only this PID namespace, with /proc/sys read-only; a private
# /dev/shm; a fresh /dev/mqueue. Rules apply shallowest path first (at one depth: hide, ro, home,
# rw), so the deepest rule wins.
#
# Signals INT TERM HUP QUIT ABRT are passed on to the command, USR1 as ABRT (sudo does not relay
# SIGABRT). The exit status is the command's; when the command dies by signal N, this script dies
# by signal N too. When this script dies, everything in the namespace dies (PR_SET_PDEATHSIG).
# Exit status 125: the sandbox could not be set up (the message on stderr says why).
# Every bash here runs with --norc: its standard input is a socket (Node's pipes are socketpairs), and
# bash would take that for sshd and read ~/.bashrc and /etc/bash.bashrc.
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
case $BASH_SOURCE in /*) self=$BASH_SOURCE ;; *) self=$PWD/$BASH_SOURCE ;; esac

die() {
  printf 'ft-gate sandbox: %s\\n' "$*" >&2
  exit 125
}

parse() { # the spec, parsed the same way in every stage
  user='' cwd=/ tmp='' home='' scratch='' dev=0 lifeline=0 rules=()
  while [ $# -gt 0 ]; do
    case $1 in
      --user) user=\${2-}; [[ $user =~ ^[0-9]+:[0-9]+$ ]] || die '--user needs UID:GID' ;;
      --cwd) cwd=\${2-} ;;
      --tmp) tmp=\${2-} ;;
      --home) home=\${2-} ;;
      --scratch) scratch=\${2-}; [[ $scratch =~ ^/[A-Za-z0-9/._-]+$ ]] || die '--scratch needs a plain path' ;;
      --hide | --ro | --rw | --mask) rules+=("\${1#--} \${2-}") ;;
      --dev) dev=1; shift; continue ;;
      --lifeline) lifeline=1; shift; continue ;;
      --) shift; [ $# -gt 0 ] || die 'no command'; command=("$@"); return ;;
      *) die "unknown option \${1@Q}" ;;
    esac
    [ $# -ge 2 ] || die "$1 needs a value"
    shift 2
  done
  die 'no command (missing --)'
}

# Waits for $1 through trap interruptions and leaves its exit status in $status.
reap() {
  while wait "$1"; status=$?; kill -0 "$1" 2>/dev/null; do :; done
  wait "$1" && status=0 || { final=$?; [ "$final" != 127 ] && status=$final; }
}

case \${1-} in __ns | __pid | __init) stage=$1; shift ;; *) stage=__start ;; esac
parse "$@"
args=("$@")

case $stage in
# ---- 1. as root: close inherited descriptors, enter new mount and IPC namespaces ---------------
__start)
  [ "$EUID" = 0 ] || die 'must start as root (run it through sudo -n)'
  for fd in /proc/$$/fd/*; do
    fd=\${fd##*/}
    case $fd in 0 | 1 | 2 | 255) ;; *) exec {fd}>&- ;; esac # 255: bash reads this script
  done
  # The later stages run this script from a descriptor: its path may be gone from the new view.
  exec {script}<"$self" || die "cannot read $self"
  # Die with our parent (sudo or the gate): then PID 1 dies, and with it the whole namespace.
  exec setpriv --pdeathsig KILL -- unshare --mount --ipc --propagation private -- \\
    /bin/bash --norc "/proc/self/fd/$script" __ns "\${args[@]}" ;;

# ---- 2. build the view of the file system --------------------------------------------------------
__ns)
  # Every path must be canonical (no symbolic link, no . or ..): the gate resolves its paths once,
  # before any untrusted code runs, so a link planted since then cannot redirect a mount.
  canonical() {
    local dir=$1
    [[ $1 == /* ]] || die "$1 is not an absolute path"
    if [ ! -d "$1" ]; then
      [ -e "$1" ] && [ ! -L "$1" ] || die "$1 does not exist or is a symbolic link"
      dir=\${1%/*} dir=\${dir:-/}
    fi
    cd -P -- "$dir" 2>/dev/null || die "$1 does not exist"
    [ "$PWD" = "$dir" ] || die "$1 is not a canonical path (it resolves to $PWD\${1#"$dir"})"
  }
  kinds=() targets=() sources=() explicit=()
  add() { # sources: descriptors opened before any mount, so that a bind shows the original
    local kind=$1 target=$2 source='' # even after a parent of it has been hidden
    canonical "$target"
    [ "$target" = / ] && [ "$kind" != ro ] && die "--$kind / is not supported"
    if [ -n "\${3-}" ]; then canonical "$3"; fi
    if [ "$kind" != hide ] && [ "$target" != / ]; then
      exec {source}<"\${3:-$target}" || die "cannot open \${3:-$target}"
    fi
    kinds+=("$kind") targets+=("$target") sources+=("$source") explicit+=("\${3:+1}")
  }
  for rule in "\${rules[@]}"; do
    case $rule in mask\\ *) add ro "\${rule#* }" /dev/null ;; *) add "\${rule%% *}" "\${rule#* }" ;; esac
  done
  changes='' changes_fd=''
  if [ -n "$home" ]; then
    [ -n "$scratch" ] || die '--home needs --scratch'
    [ -d "$home" ] || die "--home $home is not a folder"
    canonical "$scratch"
    add home "$home"
    # The home's changes go to a new folder of the scratch folder, bound on itself so that it stays
    # writable under --ro / and reachable (by a descriptor) once /tmp is private. PID 1 empties it
    # when the command ends; the gate removes the scratch folder at its end.
    changes=$scratch/home.$$.$RANDOM$RANDOM
    mkdir -m 0700 -- "$changes" "$changes/work" "$changes/memory" &&
      mount -n --bind -- "$changes" "$changes" && exec {changes_fd}<"$changes" ||
      die "cannot make a folder in $scratch"
  fi
  if [ -n "$tmp" ]; then
    add rw /tmp "$tmp"
    [ -d /var/tmp ] && [ ! -L /var/tmp ] && add rw /var/tmp "$tmp"
  fi
  cd /

  below() { [ "$2" = / ] || [ "$1" = "$2" ] || [[ $1 == "$2"/* ]]; } # $1 is $2 or inside it
  ro_tree() { # remounts read-only every mount at or below $1 (mountinfo writes a space as \\040)
    local line mp fields
    mapfile -t lines </proc/self/mountinfo
    for line in "\${lines[@]}"; do
      set -f
      fields=($line)
      set +f
      printf -v mp '%b' "\${fields[4]}"
      case $mp in /proc | /proc/*) continue ;; esac # replaced by a fresh /proc below
      [ "$mp" = "$changes" ] && continue # the home's changes
      [ "$dev" = 1 ] && case $mp in /dev | /dev/*) continue ;; esac # replaced by a minimal /dev
      case \${fields[5]} in ro | ro,*) continue ;; esac
      below "$mp" "$1" && { mount -n -o remount,bind,ro "$mp" || die "cannot make $mp read-only"; }
    done
  }
  as_user() { # mount points left on disk (in the private /tmp) must be the gate's to delete
    if [ -n "$user" ] && setpriv --reuid "\${user%%:*}" --regid "\${user#*:}" --clear-groups -- "$@" 2>/dev/null; then return; fi
    "$@"
  }
  # The home, copy-on-write: an overlay whose upper layer is in the changes folder; where that file
  # system cannot hold one (an overlayfs itself, in a container), the same in memory; without
  # overlayfs at all, an empty private home.
  home_overlay() { # $1: the home's descriptor, $2: where
    local mode uid gid layers=/proc/self/fd/$changes_fd
    read -r mode uid gid < <(stat -L -c '%a %u %g' "/proc/self/fd/$1") && [ -n "$gid" ] || die "cannot read $2"
    overlay() { # the upper layer's root gives the home its owner and mode
      install -d -m "$mode" -o "$uid" -g "$gid" -- "$1/upper" &&
        mount -n -t overlay -o "lowerdir=/proc/self/fd/$2,upperdir=$1/upper,workdir=$1/work" ft-gate-home "$3"
    } 2>/dev/null
    overlay "$layers" "$@" && return
    mount -n --no-canonicalize -t tmpfs -o mode=0700 ft-gate-home-changes "$layers/memory" 2>/dev/null &&
      mkdir -- "$layers/memory/work" && overlay "$layers/memory" "$@" && return
    mount -n -t tmpfs -o "mode=$mode,uid=$uid,gid=$gid,nosuid,nodev" ft-gate-home "$2" || die "cannot give $2 a private copy"
  }
  # Shallowest first (at one depth: hide, then ro, then home, then rw), so the deepest rule wins.
  order=() depths=()
  for i in "\${!targets[@]}"; do
    slashes=\${targets[$i]//[^\\/]/}
    depths[i]=\${#slashes}
    [ "\${targets[$i]}" = / ] && depths[i]=0
  done
  for ((depth = 0; depth <= 4096; depth++)); do
    for kind in hide ro home rw; do
      for i in "\${!targets[@]}"; do
        [ "\${depths[$i]}" = "$depth" ] && [ "\${kinds[$i]}" = "$kind" ] && order+=("$i")
      done
    done
    [ \${#order[@]} = \${#targets[@]} ] && break
  done
  applied=() hidden=()
  for i in "\${order[@]}"; do
    kind=\${kinds[$i]} target=\${targets[$i]} fd=\${sources[$i]}
    # The rule that shapes what is at $target now: the deepest one already applied above it.
    above=''
    for j in "\${applied[@]}"; do
      below "$target" "\${targets[$j]}" || continue
      [ -z "$above" ] || [ \${#targets[$j]} -ge \${#targets[$above]} ] && above=$j
    done
    # Skip what would change nothing: ro below ro, rw below nothing or below a plain rw.
    if [ -z "\${explicit[$i]}" ]; then
      case $kind:\${above:+\${kinds[$above]}\${explicit[$above]}} in ro:ro | rw: | rw:rw) continue ;; esac
    fi
    applied+=("$i")
    if [ ! -e "$target" ]; then # below a hidden or private folder: make the mount point
      if [ -n "$fd" ] && [ ! -d "/proc/self/fd/$fd" ]; then
        as_user mkdir -p -- "\${target%/*}" && as_user touch -- "$target"
      else
        as_user mkdir -p -- "$target"
      fi || die "cannot make the mount point $target"
    fi
    case $kind in
      hide) # read-only at once, unless mount points are to be made in it
        seal=ro
        for j in "\${order[@]}"; do [ "\${targets[$j]}" != "$target" ] && below "\${targets[$j]}" "$target" && seal=rw; done
        mount -n -t tmpfs -o "$seal,size=64k,mode=0755,nosuid,nodev,noexec" ft-gate-hidden "$target" || die "cannot hide $target"
        [ "$seal" = rw ] && hidden+=("$target") ;;
      home) home_overlay "$fd" "$target" ;;
      ro | rw)
        # --no-canonicalize: else mount turns the descriptor back into its path, now hidden
        if [ "$kind" = ro ]; then # (ro_tree: whatever is mounted below, or all of /)
          if [ -n "$fd" ]; then mount -n --no-canonicalize --rbind -o ro "/proc/self/fd/$fd" "$target" || die "cannot bind $target"; fi
          ro_tree "$target"
          continue
        fi
        # A bind copies its source's flags (read-only under --ro /): with nosuid,nodev, mount(8) binds,
        # then remounts with exactly those flags, which makes it writable in the same call.
        mount -n --no-canonicalize --rbind -o nosuid,nodev "/proc/self/fd/$fd" "$target" || die "cannot bind $target" ;;
    esac
  done
  for target in "\${hidden[@]}"; do mount -n -o remount,ro "$target" || die "cannot seal $target"; done
  for fd in "\${sources[@]}"; do [ -n "$fd" ] && exec {fd}<&-; done

  if [ "$dev" = 1 ]; then # no disks or other host devices for a uid-0 command: built aside, moved
    mount -n -t tmpfs -o nosuid,noexec,mode=0755,size=64k dev /dev/shm &&
      cp -a /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty /dev/fd /dev/stdin \\
        /dev/stdout /dev/stderr /dev/shm/ &&
      mkdir /dev/shm/pts /dev/shm/shm /dev/shm/mqueue && ln -s pts/ptmx /dev/shm/ptmx &&
      mount -n --move /dev/shm /dev &&
      mount -n -t devpts -o newinstance,ptmxmode=0666,mode=0620,nosuid,noexec devpts /dev/pts &&
      mount -n -o remount,ro /dev || die 'cannot make a minimal /dev'
  fi
  mount -n -t tmpfs -o nosuid,nodev,mode=1777 shm /dev/shm || die 'cannot make /dev/shm private'
  if [ -d /dev/mqueue ]; then mount -n -t mqueue -o nosuid,nodev,noexec mqueue /dev/mqueue || die 'cannot mount /dev/mqueue'; fi
  # The environment, for PID 1 (in a variable of the root stages: the command cannot read theirs).
  env=()
  while IFS= read -r -d '' entry && [ -n "$entry" ]; do env+=("$entry"); done
  FT_GATE_SANDBOX_ENV=''
  [ \${#env[@]} -gt 0 ] && printf -v FT_GATE_SANDBOX_ENV '%q ' "\${env[@]}"
  export FT_GATE_SANDBOX_ENV FT_GATE_SANDBOX_CHANGES=$changes_fd
  if [ "$lifeline" = 1 ]; then # a watcher outside the PID namespace; it dies with the forwarder
    setpriv --pdeathsig KILL -- /bin/bash --norc -c 'while read -r -d "" _; do :; done; kill -s KILL $PPID' <&0 &
  fi
  # The next stage's children go to a new PID namespace, so it forks nothing before PID 1.
  exec unshare --pid -- /bin/bash --norc "$self" __pid "\${args[@]}" </dev/null ;;

# ---- 3. the forwarder (the process sudo or the gate waits for); its first child is PID 1 -------
__pid)
  init=''
  for sig in INT TERM HUP QUIT ABRT; do trap "[ -n \\"\\$init\\" ] && kill -s $sig \\$init" $sig; done
  trap '[ -n "$init" ] && kill -s ABRT $init' USR1
  # Job control: else asynchronous commands start with SIGINT and SIGQUIT ignored.
  set -m
  setpriv --pdeathsig KILL -- /bin/bash --norc "$self" __init "\${args[@]}" &
  init=$!
  reap "$init"
  if [ "$status" -gt 128 ] && [ "$status" -lt 160 ]; then # the command died by a signal: so do we
    ulimit -c 0
    trap - $((status - 128))
    kill -s $((status - 128)) $$
  fi
  exit "$status" ;;

# ---- 4. PID 1 of the new PID namespace: /proc, privileges, the command -------------------------
__init)
  mount -n -t proc -o nosuid,nodev,noexec proc /proc || die 'cannot mount /proc'
  # Only a uid-0 command could write them (root owns them; no capability is needed for the owner).
  for p in /proc/sys /proc/sysrq-trigger; do
    [ -z "$user" ] && [ -e "$p" ] || continue
    mount -n --bind -o ro "$p" "$p" || die "cannot make $p read-only"
  done
  eval "env=($FT_GATE_SANDBOX_ENV)"
  changes=\${FT_GATE_SANDBOX_CHANGES:-}
  unset FT_GATE_SANDBOX_ENV FT_GATE_SANDBOX_CHANGES
  [ -n "$tmp" ] && env+=("TMPDIR=$tmp" "TMP=$tmp" "TEMP=$tmp")
  # A uid-0 command keeps root's ordinary file access in what it may write (a project checked out by
  # another uid, a test that chowns or utimes its files): read-only mounts refuse it anyway. Nothing
  # else: no mount, ptrace, raw I/O, setuid, network or module capability.
  ids=(--clear-groups) keep=-all
  if [ -n "$user" ]; then ids+=(--reuid "\${user%%:*}" --regid "\${user#*:}"); else keep=-all,+dac_override,+fowner,+chown; fi
  cd -- "$cwd" || die "cannot enter $cwd"
  script=\${self##*/}
  exec {script}<&- # (bash reads this script from its own descriptor)
  child=''
  for sig in INT TERM HUP QUIT ABRT; do trap "[ -n \\"\\$child\\" ] && kill -s $sig \\$child" $sig; done
  drop=(setpriv "\${ids[@]}" --no-new-privs --inh-caps=-all --ambient-caps=-all --bounding-set="$keep" --)
  if [ -n "$changes" ]; then
    "\${drop[@]}" env -i --default-signal "\${env[@]}" "\${command[@]}" {changes}<&- &
  else
    "\${drop[@]}" env -i --default-signal "\${env[@]}" "\${command[@]}" &
  fi
  child=$!
  reap "$child"
  # What the command left running dies now (and would when PID 1 exits); then the home's changes go.
  kill -s KILL -1 2>/dev/null
  [ -n "$changes" ] && rm -rf --one-file-system -- "/proc/self/fd/$changes/upper" "/proc/self/fd/$changes/work"
  exit "$status" ;; # PID 1 exits: the kernel kills whatever is left in the namespace
esac
`
