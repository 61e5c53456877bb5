// Command imcsync keeps Alibaba Cloud ECI image caches equal to what Git declares.
package main

import (
	"os"

	"github.com/imcsync/imcsync/internal/cli"
)

func main() { os.Exit(cli.Main()) }
