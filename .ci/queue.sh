# A work queue for CI steps whose jobs are uneven: `source .ci/queue.sh`,
# then
#
#   run_queue LOG_DIR WORKERS RUN JOB...
#
# starts WORKERS workers; each takes the next JOB off one shared queue and
# runs `RUN WORKER JOB` (WORKER is 0..WORKERS-1, for a per-worker target
# directory), its output in LOG_DIR/<index>.log, until the queue is empty.
# So a long job holds one worker while the others drain the rest, where
# running the jobs' binaries one after another would leave a core idle
# behind each binary's slowest test. Once all are done, each job's output is
# printed in queue order, headed by its name and how long it took; the
# return status is 1 if any job failed (and names them), else 0.
#
# Used by .ci/miri.sh (one job per test binary) and .ci/loom.sh (one job
# per model).

# queue_pop LOG_DIR: prints the first index left on the queue and removes
# it, under a lock, as every worker pops; prints nothing once it is empty.
queue_pop() {
    flock "$1/queue.lock" sh -c 'head -n1 "$1"; sed -i 1d "$1"' sh "$1/queue"
}

# queue_worker LOG_DIR W RUN JOB...: runs queued jobs until none is left.
queue_worker() {
    local dir=$1 w=$2 run=$3 i start status=0
    shift 3
    local jobs=("$@")
    while i=$(queue_pop "$dir") && [[ -n $i ]]; do
        start=$SECONDS
        "$run" "$w" "${jobs[i]}" >"$dir/$i.log" 2>&1 ||
            { status=1; echo "${jobs[i]}" >>"$dir/failed"; }
        echo $((SECONDS - start)) >"$dir/$i.time"
    done
    return "$status"
}

run_queue() {
    local dir=$1 workers=$2 run=$3 w pid failed=0 i
    shift 3
    local jobs=("$@") pids=()
    rm -rf "$dir"
    mkdir -p "$dir"
    printf '%s\n' "${!jobs[@]}" >"$dir/queue"
    for ((w = 0; w < workers; w++)); do
        queue_worker "$dir" "$w" "$run" "${jobs[@]}" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || failed=1
    done
    for i in "${!jobs[@]}"; do
        echo "== ${jobs[i]} ($(cat "$dir/$i.time" 2>/dev/null || echo '?')s)"
        cat "$dir/$i.log"
    done
    if ((failed)); then
        echo "failed: $(tr '\n' ' ' <"$dir/failed")" >&2
    fi
    return "$failed"
}
