using Solidb.Cluster.Election;

namespace Solidb.Cluster.Tests.Election;

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
