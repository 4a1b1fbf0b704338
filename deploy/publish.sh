#!/usr/bin/env bash
# Publishes HubApp framework-dependent into deploy/out/hubapp (needs the .NET 10 SDK, and Node.js 20+ for the
# browser client). Copy the folder to /opt/hubapp on each node; the runtime needs the ASP.NET Core 10 runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet publish src/HubApp/HubApp.csproj -c Release -o deploy/out/hubapp "$@"
echo "published to deploy/out/hubapp: run with dotnet deploy/out/hubapp/HubApp.dll"
