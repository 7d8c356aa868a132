package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/zilliztech/woodpecker/common/config"
)

// logDataRemover removes the data of one log, by its id. Woodpecker v0.1.29 cannot delete a log ("not supported
// currently"), so a trial's data would stay until the run ends; the helper removes the log's segments where
// Woodpecker keeps them, and leaves the log's few metadata keys in etcd.
type logDataRemover func(ctx context.Context, logID int64) error

// newLogDataRemover removes a log's folder (local storage: <storage root>/<minio root>/<log id>, as Woodpecker's
// segment processors lay it out) or its objects (MinIO: <minio root>/<log id>/ in the bucket).
func newLogDataRemover(cfg *config.Configuration, storage string) (logDataRemover, error) {
	if storage != "minio" {
		return func(_ context.Context, logID int64) error {
			return removeFolderNow(filepath.Join(cfg.Woodpecker.Storage.RootPath, cfg.Minio.RootPath, fmt.Sprint(logID)))
		}, nil
	}
	// minio-go directly, for MinIO's force-delete (x-minio-force-delete): a plain delete moves an object to MinIO's
	// trash (.minio.sys/tmp/.trash), emptied later, so the space would not come back at the end of the trial.
	store, err := minio.New(fmt.Sprintf("%s:%d", cfg.Minio.Address, cfg.Minio.Port), &minio.Options{
		Creds: credentials.NewStaticV4(cfg.Minio.AccessKeyID, cfg.Minio.SecretAccessKey, ""),
	})
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, logID int64) error {
		// With force-delete MinIO removes everything under the key as a prefix, in one request (as the WAL's store does).
		prefix := path.Join(cfg.Minio.RootPath, fmt.Sprint(logID)) + "/"
		if err := store.RemoveObject(ctx, cfg.Minio.BucketName, prefix, minio.RemoveObjectOptions{ForceDelete: true}); err != nil {
			return fmt.Errorf("removing %s: %w", prefix, err)
		}
		return nil
	}, nil
}

// removeFolderNow empties every file under dir, then removes dir. Woodpecker keeps a finished segment's files open
// until its processor has been idle for 5 minutes (processorCleanupPolicy); emptied first, they give their space back
// at once rather than when Woodpecker closes them.
func removeFolderNow(dir string) error {
	err := filepath.WalkDir(dir, func(path string, entry os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if entry.Type().IsRegular() {
			return os.Truncate(path, 0)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.RemoveAll(dir)
}
