// Package soak holds the soak test of imcsync: thousands of caches over two regions
// under throttling, 5xx answers, lost answers, concurrent runs and a run killed mid-way,
// checked from the emulator's request log and state. It runs only with -soak (minutes):
//
//	go test ./internal/soak -soak -v -timeout 30m
package soak
