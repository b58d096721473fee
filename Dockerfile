# FuncSync as a plain container (Azure Container Apps, infra/containerapp.bicep): no Functions host, so
# the app runs its own queue listeners and timers. The runtime image brings .NET, so the app is
# framework-dependent here; the Functions package (eng/package.sh) is self-contained instead.
#
#   docker build -t funcsync .
#   docker run -p 8080:8080 -e AzureWebJobsStorage=... -e Shopify__... funcsync

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig host.json ./
COPY src/ src/
# Azurite (npm) is for tests and local runs only.
RUN dotnet publish src/FuncSync.App/FuncSync.App.csproj \
      --configuration Release \
      --output /app \
      -p:SkipAzuriteRestore=true \
      -p:PublishDocumentationFile=false \
      -p:PublishReferencesDocumentationFiles=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# The app listens on loopback:7071 unless told otherwise; in a container it must take outside traffic.
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "FuncSync.App.dll"]
