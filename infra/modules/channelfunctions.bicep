// Which functions belong to each optional channel, so a deployment with a channel off turns its functions off with
// the Functions host's own switch (AzureWebJobs.<name>.Disabled): no queue polled, no timer run, no route served for
// a channel the seller does not sell on. Local mode derives the same switches from the channel settings
// (FuncSync.Channels.ChannelFunctionSwitches); tests/.../BicepTemplateTests checks this list against the functions
// declared in each channel's folder. Shopify and Etsy are always on in these templates.

@export()
@description('The optional channels a deployment turns on.')
type optionalChannels = {
  square: bool
  wooCommerce: bool
  ebay: bool
  amazon: bool
}

var functionsByChannel = {
  square: [
    'SquareLevelCheck'
    'SquareOAuthStart'
    'SquareOAuthCallback'
  ]
  wooCommerce: [
    'WooCommerceLevelCheck'
    'WooCommerceOrderPoll'
  ]
  ebay: [
    'EbayOrderPoll'
  ]
  amazon: [
    'AmazonFeeds'
    'AmazonNotifications'
    'AmazonOrderPoll'
  ]
}

@export()
@description('App setting name -> "true" for every function of every optional channel that is off.')
func disabledChannelFunctions(on optionalChannels) object =>
  toObject(
    flatten(map(filter(items(functionsByChannel), channel => !on[channel.key]), channel => channel.value)),
    name => 'AzureWebJobs.${name}.Disabled',
    _ => 'true'
  )
