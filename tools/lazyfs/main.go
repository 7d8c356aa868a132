// lazyfs mounts a directory through a FUSE layer that keeps written data in its own memory until the file is fsynced
// (and namespace changes until their directory is fsynced), so that a power loss can be simulated: on `drop`,
// everything never synced vanishes, as after a power cut (in the spirit of LazyFS, Jepsen's tool for this).
//
//	lazyfs --backing DIR --mount DIR [--max-dirty BYTES] [--names posix|journal]
//
// It prints "ready" once mounted, then reads commands on stdin, one per line, answering each with one line:
//
//	drop    forget every unsynced write and undo every unsynced namespace change: "ok lost-bytes=N undone=M"
//	sync    make everything durable (sync(2)): "ok"
//	stats   "ok dirty-bytes=N pending-changes=M"
//
// When stdin closes (mqbench ended, even killed), it unmounts and exits. SIGINT is ignored (a terminal's Ctrl-C
// reaches the whole process group; mqbench owns it and closes the pipe), SIGPIPE too (an answer mqbench can no longer
// read must not kill it before it unmounts), and SIGTERM or SIGHUP unmount it as stdin's end does.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

func main() {
	backing := flag.String("backing", "", "the directory whose contents are shown (the disk)")
	mount := flag.String("mount", "", "where to mount it")
	maxDirty := flag.Int64("max-dirty", 4<<30, "unsynced bytes kept at most; past this a file's pages are written back (unsynced), as the kernel does under memory pressure")
	names := flag.String("names", "posix", "when a change of names is durable: posix (once its directories are fsynced) or journal (at any later fsync, as ext4 and XFS commit their metadata journal)")
	flag.Parse()
	if *names != "posix" && *names != "journal" {
		fmt.Fprintf(os.Stderr, "lazyfs: --names is posix or journal, not %q\n", *names)
		os.Exit(2)
	}
	if err := run(*backing, *mount, *maxDirty, *names == "journal"); err != nil {
		fmt.Fprintln(os.Stderr, "lazyfs:", err)
		os.Exit(1)
	}
}

func run(backing, mount string, maxDirty int64, journaled bool) error {
	if backing == "" || mount == "" {
		return fmt.Errorf("--backing and --mount are required")
	}
	backing, err := filepath.Abs(backing)
	if err != nil {
		return err
	}
	graveyard := filepath.Join(filepath.Dir(backing), "."+filepath.Base(backing)+".lazyfs-graveyard")
	changes, err := newJournal(graveyard)
	if err != nil {
		return err
	}
	state := &lazy{cache: newCache(maxDirty), journal: changes, journaled: journaled}
	root, err := newRoot(backing, state)
	if err != nil {
		return err
	}
	zero := time.Duration(0)
	server, err := fs.Mount(mount, root, &fs.Options{
		// No kernel caching of names and attributes: after a drop the kernel must ask again.
		EntryTimeout:    &zero,
		AttrTimeout:     &zero,
		NegativeTimeout: &zero,
		MountOptions: fuse.MountOptions{
			FsName:            "lazyfs",
			Name:              "lazyfs",
			DirectMountStrict: os.Geteuid() == 0,
			MaxWrite:          1 << 20,
		},
	})
	if err != nil {
		return fmt.Errorf("mounting %s: %w", mount, err)
	}
	signal.Ignore(syscall.SIGINT, syscall.SIGPIPE)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGHUP)
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		commands := bufio.NewScanner(os.Stdin)
		fmt.Println("ready")
		for commands.Scan() {
			fmt.Println(answer(strings.TrimSpace(commands.Text()), state))
		}
	}()
	select {
	case <-ended:
	case <-stop:
	}
	if err := server.Unmount(); err != nil {
		// Still in use (a broker that is being killed): detach it, so no mount outlives this process.
		if detachErr := syscall.Unmount(mount, syscall.MNT_DETACH); detachErr != nil {
			return fmt.Errorf("unmounting %s: %v; detaching it: %v", mount, err, detachErr)
		}
	}
	return nil
}

func answer(command string, state *lazy) string {
	switch command {
	case "drop":
		lost := state.cache.dropAll()
		undone, failures := state.journal.undoAll()
		if len(failures) > 0 {
			return fmt.Sprintf("error lost-bytes=%d undone=%d: %v", lost, undone, failures)
		}
		return fmt.Sprintf("ok lost-bytes=%d undone=%d", lost, undone)
	case "sync":
		if err := state.cache.syncAll(); err != nil {
			return "error " + err.Error()
		}
		state.journal.commitAll()
		return "ok"
	case "stats":
		return fmt.Sprintf("ok dirty-bytes=%d pending-changes=%d", state.cache.dirtyBytes(), state.journal.pending())
	default:
		return fmt.Sprintf("error unknown command %q (drop, sync, stats)", command)
	}
}
