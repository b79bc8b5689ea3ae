using System.Security.Cryptography;
using System.Text;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Identity;

namespace Solidb.Cluster.Admin;

/// <summary>
/// The bearer token of the admin endpoints (docs/security.md "Admin endpoints"). One token serves
/// the whole cluster: the file given with <c>--admin-token-file</c> on every node, or, on a node
/// started without one, a random token generated once into <c>DATA/admin-token</c> (mode 0600) and
/// reused on every later start. The token is never logged and never part of <see cref="ToString"/>.
/// </summary>
public sealed class AdminToken
{
    /// <summary>Shortest token accepted (a generated one is 43 characters: 32 random bytes, base64url).</summary>
    public const int MinLength = 32;

    /// <summary>The generated token's file in the data dir.</summary>
    public const string FileName = "admin-token";

    private const int RandomBytes = 32;

    private readonly byte[] _digest;

    private AdminToken(string token, string path, bool generated)
    {
        _digest = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        Path = path;
        Generated = generated;
    }

    /// <summary>The file the token was read from or generated into.</summary>
    public string Path { get; }

    /// <summary>This start generated the token (rather than reading a given or earlier file).</summary>
    public bool Generated { get; }

    /// <summary>
    /// True when <paramref name="presented"/> is the token. Both sides are hashed first, so the
    /// comparison (<see cref="CryptographicOperations.FixedTimeEquals"/>) takes the same time
    /// whatever the presented value's length or content.
    /// </summary>
    public bool Matches(string? presented) =>
        presented is not null
        && CryptographicOperations.FixedTimeEquals(_digest, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    /// <summary>The token of an <c>Authorization</c> header "Bearer TOKEN" (scheme case-insensitive), or null.</summary>
    public static string? FromAuthorization(string? header)
    {
        const string scheme = "Bearer ";
        if (header is null || header.Length <= scheme.Length || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    /// <summary>The token for a node: the given file, or the data dir's (generated when absent). Throws <see cref="SettingsException"/>.</summary>
    public static AdminToken Resolve(HttpSettings settings, string dataDir) =>
        settings.AdminTokenFile is { } file ? Load(file, "--admin-token-file") : InDataDir(dataDir);

    /// <summary>Reads a token file: its content trimmed, at least <see cref="MinLength"/> visible ASCII characters.</summary>
    public static AdminToken Load(string file, string what)
    {
        string? text;
        try
        {
            text = DataFiles.ReadSmall(file);
        }
        catch (DataDirectoryException e)
        {
            throw new SettingsException($"{what}: {e.Message}");
        }

        if (text is null)
        {
            throw new SettingsException($"{what}: the admin token file '{file}' does not exist");
        }

        return Problem(text.Trim()) is { } problem
            ? throw new SettingsException($"{what}: the admin token in '{file}' {problem}")
            : new AdminToken(text.Trim(), file, generated: false);
    }

    /// <summary>Why <paramref name="token"/> (trimmed) cannot be the admin token, or null.</summary>
    public static string? Problem(string token) =>
        token.Length < MinLength ? $"is {token.Length} characters long; it must have at least {MinLength}"
        : token.Any(c => c is <= ' ' or > '~') ? "must be visible ASCII characters only (no spaces, no line breaks inside)"
        : null;

    /// <summary>
    /// <c>DATA/admin-token</c>: reused when present, otherwise 32 random bytes (base64url) written
    /// with mode 0600 from the moment the file exists (never readable by others, not even briefly).
    /// </summary>
    public static AdminToken InDataDir(string dataDir)
    {
        var file = System.IO.Path.Combine(dataDir, FileName);
        if (File.Exists(file))
        {
            return Load(file, "the data dir's admin token");
        }

        var token = Base64Url(RandomNumberGenerator.GetBytes(RandomBytes));
        Write(file, token);
        return new AdminToken(token, file, generated: true);
    }

    public override string ToString() => $"admin token from '{Path}'";

    private static void Write(string file, string token)
    {
        var temp = file + ".tmp";
        try
        {
            File.Delete(temp);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(token + "\n"));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, file, overwrite: false);
            DirectorySync.Flush(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file))!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException(DataDirectoryException.For("cannot write the admin token", file, e).Message);
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
