package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"
)

// confirm asks for "yes" on a terminal; without one it refuses, so nothing is sent.
// Ctrl-C (ctx's end) stops waiting for the answer at once.
func (a *app) confirm(ctx context.Context) error {
	in, ok := a.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return errors.New("no terminal to confirm on: nothing was applied; review the plan and pass --auto-approve to apply without confirmation")
	}
	fmt.Fprint(a.stdout, "\nDo you want to apply these changes? Only 'yes' will be accepted: ")
	answered := make(chan string, 1)
	go func() { // left blocked on the terminal if ctx ends first; the command is ending then
		answer, _ := bufio.NewReader(in).ReadString('\n')
		answered <- answer
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(a.stdout)
		return errors.New("interrupted at the confirmation prompt: nothing was applied")
	case answer := <-answered:
		if strings.TrimSpace(answer) != "yes" {
			return errors.New("apply cancelled: nothing was applied")
		}
	}
	fmt.Fprintln(a.stdout)
	return nil
}
