namespace HubApp.Cli.Bench; internal static class BenchCommand { public static System.CommandLine.Command Create() => new("bench", "Load generator (not built yet)."); }
