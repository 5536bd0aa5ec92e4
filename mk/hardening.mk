# --- hardening (issue 8): fuzzing, sanitizers, formal handshake proofs; docs/hardening.md ---
#   make fuzz-build            clang + libFuzzer + ASan/UBSan build of the fuzz targets (build-fuzz/)
#   make fuzz-seeds            regenerate the seed corpora tests/fuzz/corpus/<target>/ (tiny model via the CLI)
#   make fuzz-regress          every committed seed / crash reproducer once through its target (CTest label fuzz)
#   make fuzz-quick            each target FUZZ_QUICK_SECONDS (25) s: what CI runs
#   make fuzz-long [FUZZ_SECONDS=600] [FUZZ_TARGETS="csv config ..."]   the long runs, one target at a time;
#                              logs and a summary table in build-fuzz/fuzz-logs/
#   make formal                SymbiYosys (yowasp-sby) handshake proofs and covers of the stream units (formal/)
# The fuzz build keeps assert() on (no NDEBUG): the reference functions' preconditions are checked too.
# make test-asan (Makefile) is the sanitizer run; CI stages: .ci/stages.d/50-asan.sh, 60-fuzz.sh, 70-formal.sh
FUZZ_BUILD        ?= build-fuzz
FUZZ_TARGETS      ?= csv config checkpoint intmodel coreimage host_frame
FUZZ_QUICK_SECONDS ?= 25
FUZZ_SECONDS      ?= 600
FUZZ_FLAGS        ?= -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
FUZZ_JOBS         ?= 2

.PHONY: fuzz-build fuzz-seeds fuzz-regress fuzz-quick fuzz-long formal
$(FUZZ_BUILD)/build.ninja: | setup
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSF_FUZZ=ON \
	  -DSF_SANITIZE=ON -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g"
fuzz-build: $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(FUZZ_JOBS) --target fuzz_all

fuzz-seeds: build
	bash tests/fuzz/make_seeds.sh $(SF)

fuzz-regress: fuzz-build
	cd $(FUZZ_BUILD) && ctest --output-on-failure -L fuzz

# One run of target $(1) for $(2) seconds; new inputs go to $(FUZZ_BUILD)/fuzz-corpus/<target> (the committed
# corpus is only read), a crash/leak/timeout reproducer to $(FUZZ_BUILD)/fuzz-artifacts/<target>/.
# $(3) = "-": keep going after a finding (the long runs; `make` still fails at the end, see fuzz-long).
define sf_fuzz_run
	@mkdir -p $(FUZZ_BUILD)/fuzz-corpus/$(1) $(FUZZ_BUILD)/fuzz-artifacts/$(1) $(FUZZ_BUILD)/fuzz-logs
	@echo "=== fuzz $(1): $(2) s"
	$(3)$(FUZZ_BUILD)/bin/fuzz_$(1) $(FUZZ_FLAGS) -max_total_time=$(2) \
	  -artifact_prefix=$(FUZZ_BUILD)/fuzz-artifacts/$(1)/ $(FUZZ_BUILD)/fuzz-corpus/$(1) tests/fuzz/corpus/$(1) \
	  > $(FUZZ_BUILD)/fuzz-logs/$(1).log 2>&1 || { tail -n 60 $(FUZZ_BUILD)/fuzz-logs/$(1).log; exit 1; }
	@python3 tests/fuzz/fuzz_summary.py --seconds $(2) $(FUZZ_BUILD)/fuzz-logs/$(1).log

endef
fuzz-quick: fuzz-build fuzz-regress
	$(foreach t,$(FUZZ_TARGETS),$(call sf_fuzz_run,$(t),$(FUZZ_QUICK_SECONDS)))
	@python3 tests/fuzz/fuzz_summary.py --seconds $(FUZZ_QUICK_SECONDS) $(foreach t,$(FUZZ_TARGETS),$(FUZZ_BUILD)/fuzz-logs/$(t).log)
fuzz-long: fuzz-build
	$(foreach t,$(FUZZ_TARGETS),$(call sf_fuzz_run,$(t),$(FUZZ_SECONDS),-))
	@python3 tests/fuzz/fuzz_summary.py --seconds $(FUZZ_SECONDS) $(foreach t,$(FUZZ_TARGETS),$(FUZZ_BUILD)/fuzz-logs/$(t).log) \
	  | tee $(FUZZ_BUILD)/fuzz-logs/summary-$(FUZZ_SECONDS)s.md
	@! tail -n +3 $(FUZZ_BUILD)/fuzz-logs/summary-$(FUZZ_SECONDS)s.md | grep -v -q '| ok |'

# The formal checks are CTest entries of the plain build (formal/CMakeLists.txt, label formal), so `make test`
# runs them too; this target runs only them.
formal: configure
	cd $(BUILD) && ctest --output-on-failure -L formal -j $(JOBS)
