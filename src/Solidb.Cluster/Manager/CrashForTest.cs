namespace Solidb.Cluster.Manager;

/// <summary>
/// Test-only: a module actor that receives it throws <see cref="CrashedForTestException"/>, so
/// specs can show what a child's restart does. Local only: it is internal, no
/// <c>IProtocolMessage</c>, so no serializer of the locked-down wire builds it (JSON refuses every
/// type, the protocol serializer's allow-list does not name it), and no wire input can crash an actor.
/// </summary>
internal sealed record CrashForTest
{
    public static CrashForTest Instance { get; } = new();

    /// <summary>The handler every module actor registers for it.</summary>
    public static void Throw(CrashForTest _) => throw new CrashedForTestException();
}

/// <summary>What a module actor throws on <see cref="CrashForTest"/>.</summary>
internal sealed class CrashedForTestException() : Exception("crash requested by a test (CrashForTest)");
