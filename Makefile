# techup — a thin wrapper over Meson + Ninja. The two commands a newcomer needs: `make run` and `make test`.
#
#   make run        install what is missing, build, create var/techup.db with a synthetic province, serve :8080
#   make test       install what is missing, build with ASan + UBSan (clang, -Werror), run every test
#   make build      optimised build in build/
#   make bench      the benchmarks of bench/ (see bench/README.md)
#   make fuzz       a longer libFuzzer run of every driver (FUZZ_SECONDS per driver)
#   make format     clang-format every source file

ENTERPRISES ?= 200000
SEED ?= 1
DB ?= var/techup.db
LISTEN ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 300

BUILD := build
TESTBUILD := build-test

.PHONY: run test build deps test-deps web-deps bench fuzz format clean

deps:
	@scripts/install-deps

test-deps: web-deps
	@scripts/install-deps --web

# Front-end assets: npm ci from package-lock.json, then ECharts copied into web/vendor (served, not committed).
web-deps: web/vendor/echarts.esm.min.mjs

node_modules/.package-lock.json: package-lock.json package.json
	@scripts/install-deps --npm
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web/vendor/echarts.esm.min.mjs: node_modules/.package-lock.json
	mkdir -p web/vendor
	cp node_modules/echarts/dist/echarts.esm.min.mjs web/vendor/

$(BUILD)/build.ninja: | deps
	meson setup $(BUILD) --buildtype=release -Dtests=false >/dev/null

build: deps $(BUILD)/build.ninja
	@ninja -C $(BUILD) >/dev/null

run: build web-deps
	@scripts/run "$(BUILD)/techup" "$(DB)" "$(ENTERPRISES)" "$(SEED)" "$(LISTEN)"

$(TESTBUILD)/build.ninja: | test-deps
	CC=clang meson setup $(TESTBUILD) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
	  -Dwerror=true -Dfuzz=true >/dev/null

test: test-deps $(TESTBUILD)/build.ninja
	ninja -C $(TESTBUILD)
	meson test -C $(TESTBUILD) --print-errorlogs --num-processes 2

bench: build
	@scripts/install-deps --bench
	bench/run-all

fuzz: test-deps $(TESTBUILD)/build.ninja
	ninja -C $(TESTBUILD)
	tests/fuzz/run $(TESTBUILD) $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c')

clean:
	rm -rf $(BUILD) $(TESTBUILD)
