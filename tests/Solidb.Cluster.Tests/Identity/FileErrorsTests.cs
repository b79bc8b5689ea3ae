using Solidb.Cluster.Identity;
using Xunit;

namespace Solidb.Cluster.Tests.Identity;

public sealed class FileErrorsTests
{
    // On Unix, .NET puts the raw errno into IOException.HResult; these are the Linux values.
    [Theory]
    [InlineData(30, FileErrorKind.ReadOnlyFileSystem)] // EROFS
    [InlineData(28, FileErrorKind.NoSpace)] // ENOSPC
    [InlineData(122, FileErrorKind.QuotaExceeded)] // EDQUOT
    [InlineData(13, FileErrorKind.PermissionDenied)] // EACCES
    [InlineData(1, FileErrorKind.PermissionDenied)] // EPERM
    [InlineData(11, FileErrorKind.Locked)] // EWOULDBLOCK = EAGAIN
    [InlineData(5, FileErrorKind.Other)] // EIO
    [InlineData(17, FileErrorKind.Other)] // EEXIST
    public void Linux_errnos_are_classified(int errno, FileErrorKind expected) =>
        Assert.Equal(expected, FileErrors.Classify(new IOException("x", errno), Errno.Linux));

    [Theory]
    [InlineData(35, FileErrorKind.Locked)] // EAGAIN on macOS
    [InlineData(69, FileErrorKind.QuotaExceeded)] // EDQUOT on macOS
    [InlineData(11, FileErrorKind.Other)] // EDEADLK on macOS, not EAGAIN
    [InlineData(30, FileErrorKind.ReadOnlyFileSystem)]
    public void Darwin_errnos_are_classified_with_their_own_values(int errno, FileErrorKind expected) =>
        Assert.Equal(expected, FileErrors.Classify(new IOException("x", errno), Errno.Darwin));

    [Fact]
    public void A_dotnet_hresult_is_not_mistaken_for_an_errno()
    {
        Assert.Equal(FileErrorKind.Other, FileErrors.Classify(new IOException("plain"), Errno.Linux)); // COR_E_IO
        Assert.Equal(FileErrorKind.Other, FileErrors.Classify(new IOException("x", unchecked((int)0x8007001C)), Errno.Linux));
        Assert.Equal(FileErrorKind.Other, FileErrors.Classify(new IOException("x", 28), table: null)); // Windows: no errno table
    }

    [Fact]
    public void Permission_errors_arrive_as_UnauthorizedAccessException_and_are_found_inside_other_exceptions()
    {
        Assert.Equal(FileErrorKind.PermissionDenied, FileErrors.Classify(new UnauthorizedAccessException("denied"), Errno.Linux));
        var wrapped = new InvalidOperationException("outer", new AggregateException(new IOException("full", 28)));
        Assert.Equal(FileErrorKind.NoSpace, FileErrors.Classify(wrapped, Errno.Linux));
    }

    [Fact]
    public void Each_kind_has_its_own_one_line_cause()
    {
        var causes = new[] { 30, 28, 122, 13, 11 }
            .Select(errno => FileErrors.Cause(FileErrors.Classify(new IOException("x", errno), Errno.Linux), new IOException("x")))
            .ToList();

        Assert.Equal(["read-only file system", "no space left on device", "disk quota exceeded"], causes.Take(3));
        Assert.StartsWith("permission denied", causes[3]);
        Assert.Equal("locked by another process", causes[4]);
        Assert.Equal("weird failure", FileErrors.Cause(FileErrorKind.Other, new IOException("weird\nfailure")));
    }

    // Real exceptions from this OS, so the classifier is checked against what .NET actually throws.
    [Fact]
    public void A_write_to_dev_full_is_no_space_left_on_device()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /dev/full is Linux's
        }

        var e = Assert.ThrowsAny<IOException>(() =>
        {
            using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write);
            full.Write(new byte[16]);
            full.Flush(flushToDisk: true);
        });

        Assert.Equal(FileErrorKind.NoSpace, FileErrors.Classify(e));
    }

    [Fact]
    public void A_second_exclusive_open_of_a_file_is_a_lock_conflict()
    {
        var file = Path.Combine(Path.GetTempPath(), "solidb-lock-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var first = new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

            var e = Assert.ThrowsAny<IOException>(() => new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));

            Assert.Equal(FileErrorKind.Locked, FileErrors.Classify(e));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
