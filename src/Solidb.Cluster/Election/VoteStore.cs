using System.Globalization;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Election;

/// <summary>
/// The durable part of the election state: the current term, whom this node voted for in it,
/// and how many voters the cluster had when this node last saw it with a quorum. The last one
/// keeps a node that restarts alone (and forms a cluster of one, cut off from the others) from
/// electing itself: its majority is still counted over the cluster it knew.
/// </summary>
public sealed record PersistedVote(long Term, NodeId? VotedFor, int KnownVoters = 0)
{
    public static PersistedVote Initial { get; } = new(0, null);
}

/// <summary>Where the vote lives; a vote is saved (and flushed) before it is granted.</summary>
public interface IVoteStore
{
    PersistedVote Load();

    /// <summary>Durable when it returns; throws (e.g. <see cref="DataDirectoryException"/>) when it cannot save.</summary>
    void Save(PersistedVote vote);
}

/// <summary>The vote in <c>DATA/election</c>: one line, "term votedFor knownVoters" (or "term - knownVoters").</summary>
public sealed class VoteFile(string path, StorageHealth? health = null) : IVoteStore
{
    public const string FileName = "election";

    public string Path { get; } = path;

    public static VoteFile In(string dataDir, StorageHealth? health = null) => new(System.IO.Path.Combine(dataDir, FileName), health);

    public PersistedVote Load()
    {
        if (DataFiles.ReadSmall(Path) is not { } text)
        {
            return PersistedVote.Initial;
        }

        var parts = text.Trim().Split(' ');
        var known = 0;
        if (parts.Length is < 2 or > 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var term)
            || (parts.Length == 3 && !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out known)))
        {
            throw new DataDirectoryException($"corrupt election file '{Path}': expected \"term votedFor knownVoters\"");
        }

        if (!Terms.IsValid(term))
        {
            throw new DataDirectoryException($"corrupt election file '{Path}': term {term} is not below the largest term {Terms.Max}");
        }

        if (parts[1] == "-")
        {
            return new PersistedVote(term, null, known);
        }

        return NodeId.TryParse(parts[1], out var votedFor)
            ? new PersistedVote(term, votedFor, known)
            : throw new DataDirectoryException($"corrupt election file '{Path}': '{Security.Rejections.Quote(parts[1])}' is not a node id");
    }

    public void Save(PersistedVote vote)
    {
        try
        {
            DataFiles.WriteAtomically(Path, string.Create(CultureInfo.InvariantCulture,
                $"{vote.Term} {vote.VotedFor?.Value ?? "-"} {vote.KnownVoters}\n"));
        }
        catch (DataDirectoryException e)
        {
            var failure = new DataDirectoryException($"cannot persist election state to '{Path}': {e.Cause}", e.Kind, e.Cause);
            health?.Failed(Path, failure.Message);
            throw failure;
        }

        health?.Succeeded(Path);
    }
}
