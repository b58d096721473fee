# FuncSync in a container under the Azure Functions host (Azure Container Apps, infra/containerapp.bicep): the
# official dotnet-isolated base image runs the host, and the host runs FuncSync.App as its worker and owns every
# trigger, function key and route, exactly as on Flex Consumption. FuncSync's local runtime is not used here.
#
#   docker build -t funcsync .
#   docker run -p 8080:80 -e AzureWebJobsStorage=... -e Shopify__... funcsync

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props BannedSymbols.txt .editorconfig host.json ./
COPY src/ src/
# Azurite (npm) is for tests and local runs only.
RUN dotnet publish src/FuncSync.App/FuncSync.App.csproj \
      --configuration Release \
      --output /home/site/wwwroot \
      -p:SkipAzuriteRestore=true \
      -p:PublishDocumentationFile=false \
      -p:PublishReferencesDocumentationFiles=false

FROM mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated10.0
ENV AzureWebJobsScriptRoot=/home/site/wwwroot \
    FUNCTIONS_WORKER_RUNTIME=dotnet-isolated \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true
COPY --from=build /home/site/wwwroot /home/site/wwwroot
