# scale.sh — sourced by shell tests (checks.sh sources it; tap.sh tests may too).
# scaled N: N scaled by JISR_TEST_SCALE, the percentage (1–100, default 100) of their random
# volume that the volume tests run (tests/test_scale.h: .ci/test sets it for the ASan stage),
# rounded up
scaled() {
    local p=${JISR_TEST_SCALE:-100}
    case $p in '' | *[!0-9]*) p=100 ;; esac
    p=$((10#$p))
    [ "$p" -ge 1 ] || p=100
    [ "$p" -le 100 ] || p=100
    echo $((($1 * p + 99) / 100))
}
