using System.Globalization;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Election;

/// <summary>The durable part of the election state: the current term and whom this node voted for in it.</summary>
public sealed record PersistedVote(long Term, NodeId? VotedFor)
{
    public static PersistedVote Initial { get; } = new(0, null);
}

/// <summary>Where the vote lives; a vote is saved (and flushed) before it is granted.</summary>
public interface IVoteStore
{
    PersistedVote Load();

    void Save(PersistedVote vote);
}

/// <summary>The vote in <c>DATA/election</c>: one line, "term votedFor" (or "term -").</summary>
public sealed class VoteFile(string path) : IVoteStore
{
    public const string FileName = "election";

    public string Path { get; } = path;

    public static VoteFile In(string dataDir) => new(System.IO.Path.Combine(dataDir, FileName));

    public PersistedVote Load()
    {
        if (!File.Exists(Path))
        {
            return PersistedVote.Initial;
        }

        var parts = File.ReadAllText(Path).Trim().Split(' ');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var term))
        {
            throw new DataDirectoryException($"corrupt election file '{Path}': expected \"term votedFor\"");
        }

        if (parts[1] == "-")
        {
            return new PersistedVote(term, null);
        }

        return NodeId.TryParse(parts[1], out var votedFor)
            ? new PersistedVote(term, votedFor)
            : throw new DataDirectoryException($"corrupt election file '{Path}': '{parts[1]}' is not a node id");
    }

    public void Save(PersistedVote vote) =>
        DataDirectory.WriteAtomically(Path, string.Create(CultureInfo.InvariantCulture, $"{vote.Term} {vote.VotedFor?.Value ?? "-"}\n"));
}

/// <summary>A vote store in memory, for tests and simulations (a "crash" keeps the object).</summary>
public sealed class InMemoryVoteStore : IVoteStore
{
    public PersistedVote Vote { get; private set; } = PersistedVote.Initial;

    public int Saves { get; private set; }

    public PersistedVote Load() => Vote;

    public void Save(PersistedVote vote)
    {
        Vote = vote;
        Saves++;
    }
}
