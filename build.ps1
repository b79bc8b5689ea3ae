#!/usr/bin/env pwsh
# Solidb.Actors build script. Runs anywhere the .NET SDK is:  dotnet tool restore && dotnet pwsh build.ps1 <target>
#   build            build the solution (Release)
#   test             build, then run the unit tests, then the multi-node specs and the process tests
#                    side by side; prints each project's output and a total line
#                    (the clock-skew process tests build tools/clockshift, an LD_PRELOAD wall-clock
#                    shifter, with gcc; without gcc they are skipped; .ci/run installs it)
#   run [args]       run one node with embedded defaults (args go to solidb, e.g. --node-id n1)
#   cluster          run three local nodes (ports 6745/6755/6765, HTTP 6746/6756/6766) until Ctrl-C
#   bench [args]     run the BenchmarkDotNet suites (args go to BenchmarkDotNet, e.g. --filter '*Hlc*')
#   certs [args]     make a CA, node certificates (naming each node id) and service certificates
#                    (client-only, for the remote actor API) for mutual TLS (args go to solidb-certs, e.g.
#                    -- --out certs --nodes node1,node2,node3 --services billing --hosts db1.example.com;
#                    see docs/security.md)
#   cmd [args]       run solidb-cmd, the inspection CLI (args go to it, e.g. -- cluster show --node 127.0.0.1:6746;
#                    its exit code passes through; docs/cli.md)
#   pack             pack solidb-cmd as a .NET tool into artifacts/nupkg (install it with
#                    dotnet tool install --tool-path DIR --add-source artifacts/nupkg Solidb.Cmd)
# No param() block on purpose: a script with [Parameter] attributes is an advanced script, which
# binds PowerShell's common parameters (-OutVariable, -Verbose, ...) by prefix, so a target's own
# options such as --out or --node-id collided with them ("'' is ambiguous"). Everything after the
# target (and an optional "--") goes to the target untouched.
$Target = if ($args.Count -gt 0) { [string]$args[0] } else { 'build' }
$Rest = [string[]]@(if ($args.Count -gt 1) { $args[1..($args.Count - 1)] })
if ($Rest.Count -gt 0 -and $Rest[0] -eq '--') { $Rest = [string[]]@(if ($Rest.Count -gt 1) { $Rest[1..($Rest.Count - 1)] }) }
$targets = @('build', 'test', 'run', 'cluster', 'bench', 'certs', 'cmd', 'pack')
if ($targets -notcontains $Target) {
    [Console]::Error.WriteLine("build.ps1: error: unknown target '$Target' (expected one of: $($targets -join ', '))")
    exit 2
}
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Invoke-Dotnet([string[]]$Arguments) {
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-Build {
    Invoke-Dotnet @('build', (Join-Path $root 'Solidb.Actors.sln'), '-c', 'Release', '-nologo', '-v', 'minimal')
}

function Get-TestArguments([string]$project, [string]$results) {
    $name = Split-Path $project -Leaf
    return [string[]](@('test', (Join-Path $root $project), '-c', 'Release', '--no-build', '-nologo',
        '--logger', "trx;LogFileName=$name.trx", '--logger', 'console;verbosity=normal', '--results-directory', $results) + $Rest)
}

# The failed tests again, last, with the first lines of their messages: a CI log is often read
# from its tail only, far below where the test runner printed the failure.
function Write-FailedTests([string]$results) {
    foreach ($trx in Get-ChildItem -Path $results -Filter '*.trx' -ErrorAction SilentlyContinue) {
        $xml = [xml](Get-Content $trx.FullName)
        foreach ($r in @($xml.TestRun.Results.UnitTestResult | Where-Object { $_.outcome -eq 'Failed' })) {
            Write-Host "FAILED $($r.testName) [$($r.duration)]" -ForegroundColor Red
            $message = [string]$r.Output.ErrorInfo.Message
            $stack = [string]$r.Output.ErrorInfo.StackTrace
            foreach ($line in @(($message -split "`n") | Select-Object -First 12) + @(($stack -split "`n") | Select-Object -First 6)) {
                Write-Host "    $($line.TrimEnd())"
            }
        }
    }
}

function Invoke-Test {
    Invoke-Build
    $results = Join-Path $root 'artifacts/test-results'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }
    New-Item -ItemType Directory -Force -Path $results | Out-Null
    $failedProjects = @()
    # The unit tests first, alone: their simulations keep both cores busy for about a minute.
    foreach ($project in @('tests/Solidb.Cluster.Tests', 'tests/Solidb.Cluster.Client.Tests', 'tests/Solidb.Cmd.Tests')) {
        $name = Split-Path $project -Leaf
        Write-Host "== $name" -ForegroundColor Cyan
        & dotnet @(Get-TestArguments $project $results)
        if ($LASTEXITCODE -ne 0) { $failedProjects += $name }
    }
    # Then the two real-time projects side by side (in-process clusters, real processes): they
    # mostly wait on timers and sockets, and their bounds hold on a loaded 2-core machine. Each
    # project's output is kept in artifacts/test-results/<project>.log and printed when it ends.
    $jobs = foreach ($project in @('tests/Solidb.Cluster.Specs', 'tests/Solidb.Node.Tests')) {
        $name = Split-Path $project -Leaf
        $log = Join-Path $results "$name.log"
        $arguments = Get-TestArguments $project $results
        [pscustomobject]@{
            Name = $name
            Log  = $log
            Job  = Start-ThreadJob -ArgumentList $arguments, $log -ScriptBlock {
                param([string[]]$arguments, [string]$log)
                & dotnet @arguments *> $log
                $LASTEXITCODE
            }
        }
    }
    foreach ($j in $jobs) {
        $code = Receive-Job $j.Job -Wait -AutoRemoveJob
        Write-Host "== $($j.Name)" -ForegroundColor Cyan
        Get-Content $j.Log | Write-Host
        if ($code -ne 0) { $failedProjects += $j.Name }
    }
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($trx in Get-ChildItem -Path $results -Filter '*.trx' -ErrorAction SilentlyContinue) {
        $counters = ([xml](Get-Content $trx.FullName)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed
        $skipped += [int]$counters.total - [int]$counters.executed # VSTest counts a skipped test as not executed, not in notExecuted
    }
    if ($failedProjects.Count -gt 0) { Write-Host "Failing projects: $($failedProjects -join ', ')" -ForegroundColor Red }
    Write-FailedTests $results
    Write-Host "tests: $passed passed, $failed failed, $skipped skipped"
    if ($failedProjects.Count -gt 0 -or $failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Run {
    Invoke-Dotnet (@('run', '--project', (Join-Path $root 'src/Solidb.Node'), '-c', 'Release', '--') + $Rest)
}

function Invoke-Cluster {
    Invoke-Build
    $dll = Join-Path $root 'src/Solidb.Node/bin/Release/net10.0/solidb.dll'
    $peers = '127.0.0.1:6745,127.0.0.1:6755,127.0.0.1:6765'
    $nodes = @()
    foreach ($i in 0..2) {
        $port = 6745 + 10 * $i
        $nodes += Start-Process dotnet -PassThru -NoNewWindow -ArgumentList @(
            $dll, '--node-id', "node$($i + 1)", '--port', $port, '--http-port', ($port + 1),
            '--cluster-peers', $peers, '--data-dir', (Join-Path $root "data/node$($i + 1)"))
    }
    Write-Host "3 nodes started; status: curl http://127.0.0.1:6746/_api/cluster/status  (Ctrl-C stops them)"
    try { $nodes | Wait-Process } finally { $nodes | Where-Object { -not $_.HasExited } | ForEach-Object { & kill -TERM $_.Id } }
}

function Invoke-Bench {
    Invoke-Dotnet (@('run', '--project', (Join-Path $root 'bench/Solidb.Benchmarks'), '-c', 'Release', '--') + $Rest)
}

function Invoke-Certs {
    # The tool's own one-line error and exit code (2 on bad input) pass through unchanged.
    & dotnet run --project (Join-Path $root 'src/Solidb.Certs') -c Release -- @Rest
    exit $LASTEXITCODE
}

function Invoke-Cmd {
    # Built first (its output shown only when the build fails), then run: 'dotnet run' would mix build lines into
    # the tool's stdout, which scripts read (--json).
    $log = & dotnet build (Join-Path $root 'src/Solidb.Cmd') -c Release -nologo -v quiet 2>&1
    if ($LASTEXITCODE -ne 0) {
        $log | ForEach-Object { [Console]::Error.WriteLine($_) }
        exit 1
    }
    & dotnet (Join-Path $root 'src/Solidb.Cmd/bin/Release/net10.0/solidb-cmd.dll') @Rest
    exit $LASTEXITCODE
}

function Invoke-Pack {
    $out = Join-Path $root 'artifacts/nupkg'
    Invoke-Dotnet @('pack', (Join-Path $root 'src/Solidb.Cmd'), '-c', 'Release', '-nologo', '-o', $out)
    Write-Host "packed into $out; install: dotnet tool install --tool-path ~/.solidb-tools --add-source $out Solidb.Cmd"
}

switch ($Target) {
    'build' { Invoke-Build }
    'test' { Invoke-Test }
    'run' { Invoke-Run }
    'cluster' { Invoke-Cluster }
    'bench' { Invoke-Bench }
    'certs' { Invoke-Certs }
    'cmd' { Invoke-Cmd }
    'pack' { Invoke-Pack }
}
