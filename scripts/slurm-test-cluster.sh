#!/usr/bin/env bash
# A throwaway single-node Slurm cluster for tests and CI (Debian 12: Slurm 22.05, no systemd needed).
#
#   scripts/slurm-test-cluster.sh start   # munged, slurmctld, slurmd; waits until the node is idle
#   scripts/slurm-test-cluster.sh env     # prints `export SLURM_CONF=…` for the clients (eval it)
#   scripts/slurm-test-cluster.sh stop    # cancels every job, stops the daemons, kills leftover steps
#   scripts/slurm-test-cluster.sh status  # sinfo and squeue of this cluster
#
# Everything lives in $REPORT_SLURM_DIR (default /tmp/report-slurm): its own munge key and socket,
# slurm.conf, state, spool, pid and log files. The daemons listen on two free ports from
# $REPORT_SLURM_PORT on (default 6817), so that two clusters can run side by side.
# Needs root and `apt-get install slurmctld slurmd slurm-client munge`.
set -euo pipefail

dir=${REPORT_SLURM_DIR:-/tmp/report-slurm}
port=${REPORT_SLURM_PORT:-6817}
conf=$dir/slurm.conf

log() { echo "slurm-test-cluster: $*" >&2; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_of() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null && cat "$1"; }

start() {
    for tool in munged slurmctld slurmd sinfo; do
        command -v "$tool" >/dev/null || { log "$tool not found; apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge"; exit 1; }
    done
    if pid_of "$dir/slurmctld.pid" >/dev/null; then
        log "already running in $dir"; exit 0
    fi
    rm -rf "$dir"
    mkdir -p "$dir"/{munge,state,spool,log}
    chmod 700 "$dir/munge"

    # munge: its own 1 KiB key and socket, so the system's munge (if any) is left alone.
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
    chmod 400 "$dir/munge/munge.key"
    munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
        --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"

    # Two free ports, so that another test cluster (or a real slurmctld) on this machine is no obstacle.
    while listening "$port" || listening $((port + 1)); do port=$((port + 2)); done

    # The node as slurmd sees it, renamed localhost; memory rounded down to whole GiB.
    local node
    node=$(slurmd -C | head -n 1 | sed -E 's/^NodeName=[^ ]+/NodeName=localhost/')
    local memory=${node##*RealMemory=}
    memory=${memory%% *}
    node=${node/RealMemory=$memory/RealMemory=$(( memory / 1024 * 1024 ))}
    cat > "$conf" <<CONF
ClusterName=report-test
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=300
SchedulerParameters=sched_min_interval=0,sched_interval=1
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/slurmd-%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
$node
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
    slurmctld -f "$conf" -i
    slurmd -f "$conf" -N localhost
    export SLURM_CONF=$conf
    for _ in $(seq 1 100); do
        if [[ $(sinfo -h -o %t 2>/dev/null) == idle ]]; then
            log "up in $dir (export SLURM_CONF=$conf)"
            return 0
        fi
        sleep 0.1
    done
    log "the node did not become idle within 10 s:"
    sinfo >&2 || true
    tail -n 20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
    exit 1
}

# Every slurmstepd of this cluster: slurmd hands its SLURM_CONF to the steps it starts, and they log
# into our directory. (Steps are re-parented to init, so the parent does not tell.)
leftover_steps() {
    local pid
    for pid in $(pgrep -x slurmstepd || true); do
        { tr '\0' '\n' < "/proc/$pid/environ" | grep -qxF "SLURM_CONF=$conf" ||
          ls -l "/proc/$pid/cwd" "/proc/$pid/fd" | grep -qF "$dir/"; } 2>/dev/null && echo "$pid"
    done
    return 0
}

descendants() {
    local child
    for child in $(pgrep -P "$1" || true); do
        echo "$child"
        descendants "$child"
    done
}

stop() {
    [[ -f $conf ]] || { log "nothing to stop in $dir"; return 0; }
    export SLURM_CONF=$conf
    if pid_of "$dir/slurmctld.pid" >/dev/null; then
        scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
        # Give the steps a moment to end before the daemons go.
        for _ in $(seq 1 30); do
            [[ -z $(squeue -h -t running,completing -o %i 2>/dev/null) ]] && break
            sleep 0.1
        done
    fi
    local steps
    steps=$(leftover_steps)
    local name pid
    for name in slurmd slurmctld munge/munged; do
        if pid=$(pid_of "$dir/$name.pid"); then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
    # Stopping slurmd does not stop running steps: kill what is left of this cluster's, and their children.
    steps="$steps $(leftover_steps)"
    for pid in $steps; do
        # shellcheck disable=SC2046
        kill -9 "$pid" $(descendants "$pid") 2>/dev/null || true
    done
    log "stopped ($dir)"
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    env) echo "export SLURM_CONF=$conf" ;;
    status) export SLURM_CONF=$conf; sinfo; squeue -t all ;;
    *) echo "usage: $0 start|stop|env|status" >&2; exit 2 ;;
esac
