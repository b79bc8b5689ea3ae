using Solidb.Cluster.Configuration;
using Solidb.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Tests.Configuration;

/// <summary>
/// Mutations of hocon/solidb.conf (<see cref="HoconMutator"/>) through the path a --config file
/// takes: <see cref="SolidbConfig.LoadFile"/> then <see cref="ClusterSettings.FromConfig"/>.
/// Each either loads or fails with a one-line <see cref="SettingsException"/>.
/// </summary>
public sealed class ConfigFileFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void Mutated_reference_files_load_or_fail_with_one_line()
    {
        int loaded = 0, refused = 0;
        foreach (var seed in Fuzzing.Seeds(Fuzzing.Budget(TimeSpan.FromSeconds(4)), min: 100))
        {
            var bytes = HoconMutator.Mutate(SolidbConfig.ReferenceText, new Random(seed));
            File.WriteAllBytes(_file, bytes);
            try
            {
                ClusterSettings.FromConfig(SolidbConfig.LoadFile(_file).WithFallback(SolidbConfig.Reference));
                loaded++;
            }
            catch (SettingsException e)
            {
                Assert.False(e.Message.Any(char.IsControl), $"{Fuzzing.Replay(seed)}: the message is not one line: {e.Message}");
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{Fuzzing.Replay(seed)}: {e.GetType().Name} escaped: {e.Message}");
            }
        }

        output.WriteLine($"base seed {Fuzzing.BaseSeed}: {loaded} loaded, {refused} refused");
        Assert.True(loaded > 0 && refused > 0, $"{loaded} loaded, {refused} refused: the mutator should produce both");
    }
}
