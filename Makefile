# The two commands of the README, and the steps they are made of.
#
#   make demo   set up, build (Release) and run the shipped demo
#   make test   set up, build (Debug + ASan/UBSan, warnings as errors), run all
#               tests, then a short run of every fuzz target (scripts/fuzz.sh)
#
# Build trees live under build/ (git-ignored); run output under out/.

JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
RELEASE_DIR := build/release
TEST_DIR := build/test

.PHONY: all setup build demo test bench clean

all: build

setup:
	@bash scripts/setup.sh

$(RELEASE_DIR)/build.ninja:
	cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DRETAILSIM_BUILD_TESTS=OFF $(CMAKE_FLAGS)

$(TEST_DIR)/build.ninja:
	cmake -S . -B $(TEST_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DRETAILSIM_SANITIZE=ON -DRETAILSIM_WERROR=ON -DRETAILSIM_BUILD_BENCH=OFF $(CMAKE_FLAGS)

build: setup $(RELEASE_DIR)/build.ninja
	cmake --build $(RELEASE_DIR) -j $(JOBS)

# The shipped demo: scenarios/quickstart.yaml (20 stores x 4 terminals, an
# 8-hour day in virtual time, five Async stores, two terminal offline
# windows and one HQ link outage).
demo: build
	@echo
	$(RELEASE_DIR)/app/retailsim run scenarios/quickstart.yaml --output out/quickstart --force
	@echo
	@echo "demo: results in out/quickstart: open out/quickstart/report.html in a browser (also results.json, series.csv, metrics.prom, summary.json, journal.tsv, hq.db, stores/, terminals/)"

test: setup $(TEST_DIR)/build.ninja
	cmake --build $(TEST_DIR) -j $(JOBS)
	cd $(TEST_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)
	bash scripts/fuzz.sh

bench: build
	$(RELEASE_DIR)/bench/retailsim_bench

clean:
	rm -rf build
