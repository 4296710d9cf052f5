# Shared by the whole-process bench scripts (source it; it defines functions only).

# median_time DIR CMD...: runs CMD $RUNS times (default 3) under
# /usr/bin/time -v; prints "median_wall_seconds peak_rss_kib" and leaves the
# last run's stdout and stderr in DIR/stdout and DIR/stderr.
median_time() {
    local dir=$1 ts=() rss=0
    shift
    for _ in $(seq "${RUNS:-3}"); do
        /usr/bin/time -v -o "$dir/time" "$@" > "$dir/stdout" 2> "$dir/stderr"
        local wall r
        wall=$(grep "Elapsed (wall clock)" "$dir/time" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
        r=$(grep "Maximum resident set size" "$dir/time" | awk '{print $NF}')
        ts+=("$wall")
        [ "$r" -gt "$rss" ] && rss=$r
    done
    printf '%s\n' "${ts[@]}" | sort -g | awk -v rss="$rss" '{a[NR]=$1} END {print a[int((NR+1)/2)], rss}'
}
