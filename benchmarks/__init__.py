"""Benchmarks and the fuzz campaign of the mock: `make bench`, `make fuzz` (not `make test`)."""
