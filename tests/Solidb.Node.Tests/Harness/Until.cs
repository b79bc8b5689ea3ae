namespace Solidb.Node.Tests.Harness;

/// <summary>Polls until a condition holds; fails with the last value seen when the bound runs out.</summary>
public static class Until
{
    public static async Task<T> Async<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan bound, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + bound;
        T last;
        while (true)
        {
            last = await read();
            if (done(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met within {bound}; last value: {last}");
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(200));
        }
    }

    public static Task True(Func<Task<bool>> condition, TimeSpan bound) => Async(condition, x => x, bound);
}
