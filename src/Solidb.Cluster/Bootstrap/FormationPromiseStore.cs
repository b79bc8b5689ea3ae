using System.Globalization;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Bootstrap;

/// <summary>
/// A formation promise: in <paramref name="Round"/> this node promised its vote to the candidate
/// at <paramref name="CandidateAddress"/> (itself when it stood). <see cref="None"/> before any.
/// </summary>
public sealed record FormationPromise(long Round, NodeId? Candidate, string? CandidateAddress)
{
    public static FormationPromise None { get; } = new(0, null, null);
}

/// <summary>Where the promise lives; saved (and flushed) before a grant is sent or a candidacy starts.</summary>
public interface IFormationPromiseStore
{
    FormationPromise Load();

    /// <summary>Durable when it returns; throws (e.g. <see cref="DataDirectoryException"/>) when it cannot save.</summary>
    void Save(FormationPromise promise);
}

/// <summary>The promise in <c>DATA/formation</c>: one line, "round candidateId candidateAddress".</summary>
public sealed class FormationPromiseFile(string path, StorageHealth? health = null) : IFormationPromiseStore
{
    public const string FileName = "formation";

    public string Path { get; } = path;

    public static FormationPromiseFile In(string dataDir, StorageHealth? health = null) => new(System.IO.Path.Combine(dataDir, FileName), health);

    public FormationPromise Load()
    {
        if (DataFiles.ReadSmall(Path) is not { } text)
        {
            return FormationPromise.None;
        }

        var parts = text.Trim().Split(' ');
        if (parts.Length != 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var round))
        {
            throw Corrupt("expected \"round candidateId candidateAddress\"");
        }

        if (!Terms.IsValid(round) || round == 0)
        {
            throw Corrupt($"round {round} is not between 1 and {Terms.Max - 1}");
        }

        if (!NodeId.TryParse(parts[1], out var candidate))
        {
            throw Corrupt($"'{Security.Rejections.Quote(parts[1])}' is not a node id");
        }

        return PeerAddress.TryParse(parts[2], out var address, out _)
            ? new FormationPromise(round, candidate, address.ToString())
            : throw Corrupt($"'{Security.Rejections.Quote(parts[2])}' is not a host:port address");
    }

    public void Save(FormationPromise promise)
    {
        try
        {
            DataFiles.WriteAtomically(Path, string.Create(CultureInfo.InvariantCulture,
                $"{promise.Round} {promise.Candidate?.Value} {promise.CandidateAddress}\n"));
        }
        catch (DataDirectoryException e)
        {
            var failure = new DataDirectoryException($"cannot persist the formation promise to '{Path}': {e.Cause}", e.Kind, e.Cause);
            health?.Failed(Path, failure.Message);
            throw failure;
        }

        health?.Succeeded(Path);
    }

    private DataDirectoryException Corrupt(string why) => new($"corrupt formation file '{Path}': {why}");
}
