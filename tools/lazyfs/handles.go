package main

import (
	"context"
	"os"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
	"golang.org/x/sys/unix"
)

// file is an open file: its reads and writes go through the cache, its fsync writes the cache back and syncs.
type file struct {
	file *os.File
	ino  uint64
	lazy *lazy
	// syncWrites: opened with O_SYNC or O_DSYNC, so each write is durable when it returns.
	syncWrites bool
}

func (l *lazy) handle(backing *os.File, flags uint32) (*file, syscall.Errno) {
	var st syscall.Stat_t
	if err := syscall.Fstat(int(backing.Fd()), &st); err != nil {
		return nil, fs.ToErrno(err)
	}
	return &file{file: backing, ino: st.Ino, lazy: l, syncWrites: flags&(syscall.O_SYNC|syscall.O_DSYNC) != 0}, 0
}

var (
	_ = (fs.FileReader)((*file)(nil))
	_ = (fs.FileWriter)((*file)(nil))
	_ = (fs.FileFsyncer)((*file)(nil))
	_ = (fs.FileFlusher)((*file)(nil))
	_ = (fs.FileReleaser)((*file)(nil))
	_ = (fs.FileGetattrer)((*file)(nil))
	_ = (fs.FileAllocater)((*file)(nil))
)

func (f *file) Read(ctx context.Context, dest []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	n, err := f.lazy.cache.read(f.ino, f.file, dest, off)
	if err != nil {
		return nil, fs.ToErrno(err)
	}
	return fuse.ReadResultData(dest[:n]), 0
}

func (f *file) Write(ctx context.Context, data []byte, off int64) (uint32, syscall.Errno) {
	if err := f.lazy.cache.write(f.ino, f.file, data, off); err != nil {
		return 0, fs.ToErrno(err)
	}
	if f.syncWrites {
		if err := f.lazy.fsync(f.ino, f.file); err != nil {
			return 0, fs.ToErrno(err)
		}
	}
	return uint32(len(data)), 0
}

func (f *file) Fsync(ctx context.Context, flags uint32) syscall.Errno {
	return fs.ToErrno(f.lazy.fsync(f.ino, f.file))
}

// fsync makes a file's data durable and, with a metadata journal, every change of names made before it.
func (l *lazy) fsync(ino uint64, backing *os.File) error {
	before := l.journal.last()
	if err := l.cache.sync(ino, backing); err != nil {
		return err
	}
	if l.journaled {
		l.journal.commitUpTo(before)
	}
	return nil
}

func (f *file) Flush(ctx context.Context) syscall.Errno { return 0 }

func (f *file) Release(ctx context.Context) syscall.Errno {
	return fs.ToErrno(f.file.Close())
}

func (f *file) Getattr(ctx context.Context, out *fuse.AttrOut) syscall.Errno {
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.file.Fd()), &st); err != nil {
		return fs.ToErrno(err)
	}
	out.FromStat(&st)
	if size, ok := f.lazy.cache.size(f.ino); ok {
		out.Size = uint64(size)
		out.Blocks = (out.Size + 511) / 512
	}
	return 0
}

// Allocate keeps the size in the cache: space is reserved on the backing file, a size change is an unsynced write.
func (f *file) Allocate(ctx context.Context, off uint64, size uint64, mode uint32) syscall.Errno {
	if mode&^unix.FALLOC_FL_KEEP_SIZE != 0 {
		return syscall.EOPNOTSUPP
	}
	if err := syscall.Fallocate(int(f.file.Fd()), unix.FALLOC_FL_KEEP_SIZE, int64(off), int64(size)); err != nil {
		return fs.ToErrno(err)
	}
	if mode&unix.FALLOC_FL_KEEP_SIZE != 0 {
		return 0
	}
	current, ok := f.lazy.cache.size(f.ino)
	if !ok {
		info, err := f.file.Stat()
		if err != nil {
			return fs.ToErrno(err)
		}
		current = info.Size()
	}
	if end := int64(off + size); end > current {
		return fs.ToErrno(f.lazy.cache.truncate(f.ino, f.file, end))
	}
	return 0
}

// dirHandle is an open directory: its fsync makes the namespace changes in it durable.
type dirHandle struct {
	stream fs.DirStream
	path   string
	lazy   *lazy
}

var (
	_ = (fs.FileReaddirenter)((*dirHandle)(nil))
	_ = (fs.FileReleasedirer)((*dirHandle)(nil))
	_ = (fs.FileFsyncdirer)((*dirHandle)(nil))
	_ = (fs.FileSeekdirer)((*dirHandle)(nil))
)

func (d *dirHandle) Readdirent(ctx context.Context) (*fuse.DirEntry, syscall.Errno) {
	if reader, ok := d.stream.(fs.FileReaddirenter); ok {
		return reader.Readdirent(ctx)
	}
	if !d.stream.HasNext() {
		return nil, 0
	}
	entry, errno := d.stream.Next()
	return &entry, errno
}

func (d *dirHandle) Seekdir(ctx context.Context, off uint64) syscall.Errno {
	if seeker, ok := d.stream.(fs.FileSeekdirer); ok {
		return seeker.Seekdir(ctx, off)
	}
	return syscall.ENOTSUP
}

func (d *dirHandle) Releasedir(ctx context.Context, flags uint32) {
	if releaser, ok := d.stream.(fs.FileReleasedirer); ok {
		releaser.Releasedir(ctx, flags)
		return
	}
	d.stream.Close()
}

func (d *dirHandle) Fsyncdir(ctx context.Context, flags uint32) syscall.Errno {
	if syncer, ok := d.stream.(fs.FileFsyncdirer); ok {
		if errno := syncer.Fsyncdir(ctx, flags); errno != 0 {
			return errno
		}
	}
	if d.lazy.journaled {
		d.lazy.journal.commitUpTo(d.lazy.journal.last())
		return 0
	}
	ino, err := inodeOf(d.path)
	if err != nil {
		return fs.ToErrno(err)
	}
	d.lazy.journal.dirSynced(ino)
	return 0
}

// renameExchange swaps two names (RENAME_EXCHANGE).
func renameExchange(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}
