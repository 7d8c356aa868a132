package main

import (
	"context"
	"os"
	"path/filepath"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// lazy is the state shared by every node of one mount.
type lazy struct {
	cache   *cache
	journal *journal
	// journaled: names as a file system with a metadata journal keeps them (ext4, XFS): any fsync commits every
	// earlier change of names. Otherwise POSIX's rule: a change is durable once its directories are fsynced.
	journaled bool
}

// node is a loopback node whose file data goes through the cache and whose namespace changes go into the journal.
type node struct {
	fs.LoopbackNode
	lazy *lazy
}

func newRoot(backing string, state *lazy) (fs.InodeEmbedder, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(backing, &st); err != nil {
		return nil, err
	}
	root := &fs.LoopbackRoot{Path: backing, Dev: uint64(st.Dev)}
	root.NewNode = func(data *fs.LoopbackRoot, _ *fs.Inode, _ string, _ *syscall.Stat_t) fs.InodeEmbedder {
		return &node{LoopbackNode: fs.LoopbackNode{RootData: data}, lazy: state}
	}
	rootNode := root.NewNode(root, nil, "", &st)
	root.RootNode = rootNode
	return rootNode, nil
}

// backingPath is where this node lives in the backing directory.
func (n *node) backingPath() string {
	return filepath.Join(n.RootData.Path, n.Path(n.Root()))
}

func (n *node) dirInode() (uint64, syscall.Errno) {
	ino, err := inodeOf(n.backingPath())
	return ino, fs.ToErrno(err)
}

// recordCreated journals a new name in this directory: a power loss before the directory's fsync removes it.
func (n *node) recordCreated(what, name string) {
	dir, errno := n.dirInode()
	if errno != 0 {
		return
	}
	path := filepath.Join(n.backingPath(), name)
	n.lazy.journal.record(what+" "+path, []uint64{dir}, func() error { return removeName(path) }, nil)
}

var _ = (fs.NodeLookuper)((*node)(nil))

// Lookup reports the cache's size: the kernel takes a file's size from here too (an O_APPEND write starts there).
func (n *node) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	inode, errno := n.LoopbackNode.Lookup(ctx, name, out)
	if errno == 0 {
		n.lazy.applySize(filepath.Join(n.backingPath(), name), &out.Attr)
	}
	return inode, errno
}

var _ = (fs.NodeOpener)((*node)(nil))

func (n *node) Open(ctx context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	file, err := openBacking(n.backingPath(), flags)
	if err != nil {
		return nil, 0, fs.ToErrno(err)
	}
	handle, errno := n.lazy.handle(file, flags)
	if errno == 0 && flags&syscall.O_TRUNC != 0 {
		errno = fs.ToErrno(n.lazy.cache.truncate(handle.ino, file, 0))
	}
	if errno != 0 {
		file.Close()
		return nil, 0, errno
	}
	return handle, 0, 0
}

// openBacking opens the backing file for reading and writing whatever the caller asked for: the cache reads pages
// around a write and writes them back on fsync. Truncation, creation and appending are the cache's and the kernel's.
func openBacking(path string, flags uint32) (*os.File, error) {
	keep := int(flags) &^ (syscall.O_APPEND | syscall.O_TRUNC | syscall.O_CREAT | syscall.O_EXCL | syscall.O_ACCMODE | syscall.O_DIRECT | syscall.O_SYNC | syscall.O_DSYNC)
	return os.OpenFile(path, keep|os.O_RDWR, 0)
}

var _ = (fs.NodeCreater)((*node)(nil))

func (n *node) Create(ctx context.Context, name string, flags uint32, mode uint32, out *fuse.EntryOut) (*fs.Inode, fs.FileHandle, uint32, syscall.Errno) {
	path := filepath.Join(n.backingPath(), name)
	_, statErr := os.Lstat(path)
	existed := statErr == nil
	inode, loopbackHandle, _, errno := n.LoopbackNode.Create(ctx, name, flags&^syscall.O_TRUNC, mode, out)
	if errno != 0 {
		return nil, nil, 0, errno
	}
	if releaser, ok := loopbackHandle.(fs.FileReleaser); ok {
		releaser.Release(ctx)
	}
	if !existed {
		n.recordCreated("create", name)
	}
	file, err := openBacking(path, flags)
	if err != nil {
		return nil, nil, 0, fs.ToErrno(err)
	}
	handle, errno := n.lazy.handle(file, flags)
	if errno == 0 && existed && flags&syscall.O_TRUNC != 0 {
		errno = fs.ToErrno(n.lazy.cache.truncate(handle.ino, file, 0))
	}
	n.lazy.applySize(path, &out.Attr)
	if errno != 0 {
		file.Close()
		return nil, nil, 0, errno
	}
	return inode, handle, 0, 0
}

var _ = (fs.NodeMkdirer)((*node)(nil))

func (n *node) Mkdir(ctx context.Context, name string, mode uint32, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	inode, errno := n.LoopbackNode.Mkdir(ctx, name, mode, out)
	if errno == 0 {
		n.recordCreated("mkdir", name)
	}
	return inode, errno
}

var _ = (fs.NodeMknoder)((*node)(nil))

func (n *node) Mknod(ctx context.Context, name string, mode, rdev uint32, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	inode, errno := n.LoopbackNode.Mknod(ctx, name, mode, rdev, out)
	if errno == 0 {
		n.recordCreated("mknod", name)
	}
	return inode, errno
}

var _ = (fs.NodeSymlinker)((*node)(nil))

func (n *node) Symlink(ctx context.Context, target, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	inode, errno := n.LoopbackNode.Symlink(ctx, target, name, out)
	if errno == 0 {
		n.recordCreated("symlink", name)
	}
	return inode, errno
}

var _ = (fs.NodeLinker)((*node)(nil))

func (n *node) Link(ctx context.Context, target fs.InodeEmbedder, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	inode, errno := n.LoopbackNode.Link(ctx, target, name, out)
	if errno == 0 {
		n.recordCreated("link", name)
		n.lazy.applySize(filepath.Join(n.backingPath(), name), &out.Attr)
	}
	return inode, errno
}

var _ = (fs.NodeUnlinker)((*node)(nil))

func (n *node) Unlink(ctx context.Context, name string) syscall.Errno {
	dir, errno := n.dirInode()
	if errno != 0 {
		return errno
	}
	path := filepath.Join(n.backingPath(), name)
	grave, err := n.lazy.journal.bury(path)
	if err != nil {
		return fs.ToErrno(err)
	}
	if errno := n.LoopbackNode.Unlink(ctx, name); errno != 0 {
		os.Remove(grave)
		return errno
	}
	n.lazy.journal.record("unlink "+path, []uint64{dir}, func() error { return os.Link(grave, path) }, func() { os.Remove(grave) })
	return 0
}

var _ = (fs.NodeRmdirer)((*node)(nil))

func (n *node) Rmdir(ctx context.Context, name string) syscall.Errno {
	dir, errno := n.dirInode()
	if errno != 0 {
		return errno
	}
	path := filepath.Join(n.backingPath(), name)
	info, err := os.Lstat(path)
	if err != nil {
		return fs.ToErrno(err)
	}
	if errno := n.LoopbackNode.Rmdir(ctx, name); errno != 0 {
		return errno
	}
	mode := info.Mode().Perm()
	n.lazy.journal.record("rmdir "+path, []uint64{dir}, func() error { return os.Mkdir(path, mode) }, nil)
	return 0
}

var _ = (fs.NodeRenamer)((*node)(nil))

func (n *node) Rename(ctx context.Context, name string, newParent fs.InodeEmbedder, newName string, flags uint32) syscall.Errno {
	target, ok := newParent.(*node)
	if !ok {
		return syscall.EXDEV
	}
	from := filepath.Join(n.backingPath(), name)
	to := filepath.Join(target.backingPath(), newName)
	fromDir, errno := n.dirInode()
	if errno != 0 {
		return errno
	}
	toDir, errno := target.dirInode()
	if errno != 0 {
		return errno
	}
	const exchange = 2 // RENAME_EXCHANGE
	var grave string
	var replacedDir os.FileMode
	replacedIsDir := false
	if flags&exchange == 0 {
		if info, err := os.Lstat(to); err == nil {
			if info.IsDir() {
				replacedIsDir, replacedDir = true, info.Mode().Perm()
			} else if grave, err = n.lazy.journal.bury(to); err != nil {
				return fs.ToErrno(err)
			}
		}
	}
	if errno := n.LoopbackNode.Rename(ctx, name, newParent, newName, flags); errno != 0 {
		if grave != "" {
			os.Remove(grave)
		}
		return errno
	}
	undo := func() error {
		if flags&exchange != 0 {
			return fs.ToErrno(renameExchange(to, from))
		}
		if err := os.Rename(to, from); err != nil {
			return err
		}
		if grave != "" {
			return os.Link(grave, to)
		}
		if replacedIsDir {
			return os.Mkdir(to, replacedDir)
		}
		return nil
	}
	committed := func() {
		if grave != "" {
			os.Remove(grave)
		}
	}
	n.lazy.journal.record("rename "+from+" to "+to, []uint64{fromDir, toDir}, undo, committed)
	return 0
}

var _ = (fs.NodeGetattrer)((*node)(nil))

func (n *node) Getattr(ctx context.Context, f fs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	if handle, ok := f.(*file); ok {
		return handle.Getattr(ctx, out)
	}
	if errno := n.LoopbackNode.Getattr(ctx, nil, out); errno != 0 {
		return errno
	}
	n.lazy.applySize(n.backingPath(), &out.Attr)
	return 0
}

var _ = (fs.NodeSetattrer)((*node)(nil))

func (n *node) Setattr(ctx context.Context, f fs.FileHandle, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	if size, ok := in.GetSize(); ok {
		if errno := n.truncate(f, int64(size)); errno != 0 {
			return errno
		}
		in.Valid &^= fuse.FATTR_SIZE
	}
	// The rest (mode, owner, times) through the loopback, by path.
	if errno := n.LoopbackNode.Setattr(ctx, nil, in, out); errno != 0 {
		return errno
	}
	n.lazy.applySize(n.backingPath(), &out.Attr)
	return 0
}

func (n *node) truncate(f fs.FileHandle, size int64) syscall.Errno {
	if handle, ok := f.(*file); ok {
		return fs.ToErrno(n.lazy.cache.truncate(handle.ino, handle.file, size))
	}
	backing, err := os.OpenFile(n.backingPath(), os.O_RDWR, 0)
	if err != nil {
		return fs.ToErrno(err)
	}
	defer backing.Close()
	ino, err := inodeOf(n.backingPath())
	if err != nil {
		return fs.ToErrno(err)
	}
	return fs.ToErrno(n.lazy.cache.truncate(ino, backing, size))
}

var _ = (fs.NodeStatxer)((*node)(nil))

// Statx is left to the kernel's fallback (GETATTR), which sees the cache's sizes.
func (n *node) Statx(ctx context.Context, f fs.FileHandle, flags uint32, mask uint32, out *fuse.StatxOut) syscall.Errno {
	return syscall.ENOSYS
}

var _ = (fs.NodeCopyFileRanger)((*node)(nil))

// CopyFileRange would bypass the cache; the kernel falls back to reads and writes.
func (n *node) CopyFileRange(ctx context.Context, fhIn fs.FileHandle, offIn uint64, out *fs.Inode, fhOut fs.FileHandle, offOut uint64, len uint64, flags uint64) (uint32, syscall.Errno) {
	return 0, syscall.ENOTSUP
}

var _ = (fs.NodeTmpfiler)((*node)(nil))

func (n *node) Tmpfile(ctx context.Context, flags uint32, mode uint32, out *fuse.EntryOut) (*fs.Inode, fs.FileHandle, uint32, syscall.Errno) {
	return nil, nil, 0, syscall.ENOTSUP
}

var _ = (fs.NodeOpendirHandler)((*node)(nil))

func (n *node) OpendirHandle(ctx context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	path := n.backingPath()
	stream, errno := fs.NewLoopbackDirStream(path)
	if errno != 0 {
		return nil, 0, errno
	}
	return &dirHandle{stream: stream, path: path, lazy: n.lazy}, 0, 0
}

// applySize reports the cache's size of the file at `path`, where it has one.
func (l *lazy) applySize(path string, attr *fuse.Attr) {
	if ino, err := inodeOf(path); err == nil {
		if size, ok := l.cache.size(ino); ok {
			attr.Size = uint64(size)
			attr.Blocks = (attr.Size + 511) / 512
		}
	}
}
