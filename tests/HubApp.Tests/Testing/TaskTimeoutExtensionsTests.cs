using HubApp.Testing;

namespace HubApp.Tests.Testing;

public sealed class TaskTimeoutExtensionsTests
{
    [Fact]
    public async Task ATimeoutNamesTheAwaitedExpressionAndTheLineThatAwaitedIt()
    {
        var never = new TaskCompletionSource<int>().Task;

        var timedOut = await Assert.ThrowsAsync<TimeoutException>(() => never.DefaultTimeout(TimeSpan.FromMilliseconds(10)));

        Assert.StartsWith("never did not complete within 0.01 s (TaskTimeoutExtensionsTests.cs:", timedOut.Message, StringComparison.Ordinal);
        Assert.IsType<TimeoutException>(timedOut.InnerException);
    }

    [Fact]
    public async Task WhatTheTaskThrowsPassesThroughUnchangedATimeoutOfItsOwnToo()
    {
        var failing = Task.FromException(new TimeoutException("the task's own"));

        var thrown = await Assert.ThrowsAsync<TimeoutException>(() => failing.DefaultTimeout());

        Assert.Equal("the task's own", thrown.Message);
    }

    [Fact]
    public async Task AValueTaskIsBoundedAndItsResultReturned()
    {
        Assert.Equal(42, await new ValueTask<int>(42).DefaultTimeout());
        await ValueTask.CompletedTask.DefaultTimeout();
    }
}
