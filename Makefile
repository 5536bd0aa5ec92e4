# shiftformer: thin user entry over CMake and the FPGA tools.
#   make        build everything and run the main job on the shipped data: baselines, train the default
#               FP32 model (once; build/models/default.ckpt), evaluate it against the baselines
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
PYTHON   ?= /usr/bin/python3
REQUIRED_TOOLS := cmake ninja verilator g++ ccache yosys

.PHONY: all setup configure build test test-asan train train-seeds eval baselines clean help
all: build
	$(SF) baselines --config $(CONFIG) --json $(BUILD)/baselines.json
	@[ -f $(BUILD)/models/$(MODEL).ckpt ] || $(MAKE) --no-print-directory train
	$(SF) eval --ckpt $(BUILD)/models/$(MODEL).ckpt --json $(BUILD)/models/$(MODEL).eval.json

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
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: setup
	cmake -S . -B $(BUILD)-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSF_SANITIZE=ON
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

clean:
	rm -rf $(BUILD) $(BUILD)-asan

help:
	@sed -n '1,5p' Makefile
