// Which channel secrets the app reads, and the Key Vault secret each comes from. Both hosting templates import this,
// so the Functions app and the container app reference the same secrets (tests/.../BicepTemplateTests checks that
// every secret setting the channels read is here). A secret is referenced only when its channel, or the feature that
// reads it, is on: a container app secret must resolve for a revision to start, and an unresolved Key Vault reference
// would hand the Functions app the reference text as the setting's value.

@export()
@description('The channels and secret-reading features a deployment turns on.')
type channelSwitches = {
  @description('Shopify: a previous webhook secret is still accepted while a rotation settles.')
  shopifyRotatingWebhookSecret: bool
  @description('Etsy: the ORDER_PAID webhook (commercial apps).')
  etsyWebhooks: bool
  square: bool
  @description('Square: connected by OAuth (refresh token and application secret) instead of a personal access token.')
  squareUsesOAuth: bool
  ebay: bool
  amazon: bool
  @description('Amazon: ORDER_CHANGE notifications received from an SQS queue with an IAM key.')
  amazonNotifications: bool
  wooCommerce: bool
}

@export()
@description('App setting name (as the app reads it, nested keys joined by "__") -> Key Vault secret name.')
func channelVaultSecrets(on channelSwitches) object =>
  union(
    {
      Shopify__AccessToken: 'shopify-access-token'
      Shopify__WebhookSecret: 'shopify-webhook-secret'
      Etsy__Keystring: 'etsy-keystring'
      Etsy__SharedSecret: 'etsy-shared-secret'
      Etsy__AccessToken: 'etsy-access-token'
    },
    on.shopifyRotatingWebhookSecret
      ? {
          Shopify__PreviousWebhookSecret: 'shopify-previous-webhook-secret'
        }
      : {},
    on.etsyWebhooks
      ? {
          Etsy__WebhookSecret: 'etsy-webhook-secret'
        }
      : {},
    on.square
      ? {
          Square__WebhookSignatureKey: 'square-webhook-signature-key'
        }
      : {},
    on.square && on.squareUsesOAuth
      ? {
          Square__RefreshToken: 'square-refresh-token'
          Square__ApplicationSecret: 'square-application-secret'
        }
      : {},
    on.square && !on.squareUsesOAuth
      ? {
          Square__AccessToken: 'square-access-token'
        }
      : {},
    on.ebay
      ? {
          Ebay__ClientId: 'ebay-client-id'
          Ebay__ClientSecret: 'ebay-client-secret'
          Ebay__RefreshToken: 'ebay-refresh-token'
          Ebay__VerificationToken: 'ebay-verification-token'
        }
      : {},
    on.amazon
      ? {
          Amazon__ClientId: 'amazon-client-id'
          Amazon__ClientSecret: 'amazon-client-secret'
          Amazon__RefreshToken: 'amazon-refresh-token'
        }
      : {},
    on.amazon && on.amazonNotifications
      ? {
          Amazon__AwsAccessKeyId: 'amazon-aws-access-key-id'
          Amazon__AwsSecretAccessKey: 'amazon-aws-secret-access-key'
        }
      : {},
    on.wooCommerce
      ? {
          WooCommerce__ConsumerKey: 'woocommerce-consumer-key'
          WooCommerce__ConsumerSecret: 'woocommerce-consumer-secret'
          WooCommerce__WebhookSecret: 'woocommerce-webhook-secret'
        }
      : {}
  )
