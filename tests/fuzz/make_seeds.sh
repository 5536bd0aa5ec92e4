#!/usr/bin/env bash
# Seed corpora of the libFuzzer targets: tests/fuzz/corpus/<target>/ (committed; each file < 50 KB).
#   tests/fuzz/make_seeds.sh [path/to/shiftformer]     (default build-h8/bin/shiftformer, else build/bin/...)
# The binary seeds (checkpoint, integer model, core image) come from a tiny model trained, quantized and
# compiled by the CLI; each is stored twice, as the fuzz targets read it (tests/fuzz/fuzz_common.h): mode
# byte 0x00 + the whole file, and mode byte 0x01 + the file without its CRC-32 (the target appends it).
set -euo pipefail
cd "$(dirname "$0")/../.."
SF=${1:-}
if [ -z "$SF" ]; then for b in build-h8 build; do [ -x $b/bin/shiftformer ] && SF=$b/bin/shiftformer && break; done; fi
[ -x "$SF" ] || { echo "make_seeds: no shiftformer binary (build it first)"; exit 1; }
C=tests/fuzz/corpus
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p $C/{csv,config,checkpoint,intmodel,coreimage,host_frame}

# ---- config: the shipped configs and a few small ones
cp configs/default.toml $C/config/default.toml
cp configs/paper.toml $C/config/paper.toml
cat > $TMP/tiny.toml <<'T'
name = "tiny"
[data]
path = "data/ETT/ETTh1.csv"
target = "OT"
seq_len = 8
pred_len = 4
[model]
d_model = 4
n_heads = 1
d_ff = 4
enc_layers = 1
dec_layers = 1
label_len = 4
dropout = 0.0
[train]
epochs = 1
batch_size = 16
max_train_windows = 64
seed = 1
threads = 1
T
cp $TMP/tiny.toml $C/config/tiny.toml
printf '[model]\nd_model = 8\nn_heads = 2\n\n[train]\nlr = 1e-3\nseed = 7\nmodel.d_ff=16\n' > $C/config/partial.toml
printf 'name = "x"\n[data]\nseq_len = 96\n[model]\nlabel_len = 48\n' > $C/config/lens.toml

# ---- csv: ETT header, hourly / 15-minute / weekly rows; the weekly file is long enough for the split
head -n 40 data/ETT/ETTh1.csv > $C/csv/etth1_head.csv
python3 - "$C/csv" <<'P'
import sys, datetime, math
d = sys.argv[1]
def write(name, n, step_min, cols=("HUFL", "OT"), start=datetime.datetime(2016, 7, 1)):
    with open(f"{d}/{name}", "w") as f:
        f.write("date," + ",".join(cols) + "\n")
        for i in range(n):
            t = start + datetime.timedelta(minutes=step_min * i)
            vals = [f"{math.sin(i / 5 + k) * 10 + 20:.3f}" for k in range(len(cols))]
            f.write(t.strftime("%Y-%m-%d %H:%M:%S") + "," + ",".join(vals) + "\n")
write("ettm_15min.csv", 30, 15)
write("weekly_split_ok.csv", 90, 7 * 1440)          # 20 "months" of 4 rows: make_dataset succeeds
write("two_week.csv", 45, 14 * 1440, cols=("OT",))
P
printf 'date,OT\n2016-07-01 00:00:00,1\n2016-07-01 01:00:00,nan\n' > $C/csv/nan.csv
printf 'date,OT,HUFL\n2016-07-01 00:00:00,1,2\n2016-07-01 01:00:00,3\n' > $C/csv/ragged.csv

# ---- host frames: requests and replies as the encoder writes them (test_host_frame.cpp lists the types)
python3 - "$C/host_frame" <<'P'
import sys, struct
d = sys.argv[1]
def crc16(b):
    c = 0xFFFF
    for x in b:
        c ^= x << 8
        for _ in range(8):
            c = ((c << 1) ^ 0x1021) & 0xFFFF if c & 0x8000 else (c << 1) & 0xFFFF
    return c
def frame(t, p=b""):
    body = bytes([t]) + struct.pack("<H", len(p)) + p
    c = crc16(body)
    return b"\xA5" + body + bytes([c >> 8, c & 0xFF])
seeds = {
    "status_req": frame(0x04),
    "version_req": frame(0x03),
    "window_req": frame(0x01, struct.pack("<48h", *range(-24, 24))),
    "write_mem_req": frame(0x02, bytes([1]) + struct.pack("<H", 0) + struct.pack("<4I", 1, 2, 3, 4)),
    "forecast_reply": frame(0x81, struct.pack("<24h", *range(24))),
    "error_reply": frame(0xFF, bytes([1, 0x01]) + struct.pack("<H", 96)),
    "write_ack_reply": frame(0x82, bytes([1]) + struct.pack("<HH", 0, 4)),
    "version_reply": frame(0x83, struct.pack("<HBHH", 1, 1, 1024, 80)),
    "status_reply": frame(0x84, struct.pack("<I11H", 0, *range(11))),
    "bad_crc_then_good": frame(0x04)[:-1] + b"\x00" + frame(0x04),
    "idle_mid_frame": frame(0x01, b"\x00" * 96)[:20] + b"\xA5\x00" + frame(0x04),
    "break_then_done": frame(0x04)[:3] + b"\xA5\x01" + frame(0x04) + b"\xA5\x02" + frame(0x03),
}
for k, v in seeds.items():
    open(f"{d}/{k}.bin", "wb").write(v)
P

# ---- binary files from a tiny model: FP32 checkpoint, QAT checkpoint, integer model, core image
$SF train --config $TMP/tiny.toml --out $TMP/tiny.ckpt --quiet > /dev/null
$SF quantize --ckpt $TMP/tiny.ckpt --preset all2 --epochs 1 --calib 32 --quiet \
  --out $TMP/tiny.qckpt --export $TMP/tiny.sfint > /dev/null
$SF compile --config $TMP/tiny.toml --model $TMP/tiny.sfint --out $TMP/tiny.sfcore > /dev/null
seed() {  # seed FILE DIR NAME: mode 0 + file, mode 1 + file without its CRC
  { printf '\x00'; cat "$1"; } > "$2/$3.raw"
  { printf '\x01'; head -c -4 "$1"; } > "$2/$3.fixcrc"
}
seed $TMP/tiny.ckpt $C/checkpoint fp32
seed $TMP/tiny.qckpt $C/checkpoint qat_all2
seed $TMP/tiny.sfint $C/intmodel all2
seed $TMP/tiny.sfcore $C/coreimage all2
ls -l $C/*/ | awk '$5 > 51200 {print "make_seeds: too large: " $0; bad=1} END {exit bad}'
echo "make_seeds: $(find $C -type f | wc -l) seeds in $C"
